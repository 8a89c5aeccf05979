import pytest

from nlp import encoder, tagger


@pytest.fixture(scope="session")
def warm_models():
    """Load the tokeniser dictionary, the tagger and the sentence encoder once for the session."""
    tagger.bundle()
    encoder.model()
    return True


@pytest.fixture(autouse=True)
def _fresh_nlp_caches():
    from nlp import services

    services._matrices.clear()
    tagger.tags_cache_reset()
    yield
    services._matrices.clear()
