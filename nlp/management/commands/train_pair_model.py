"""Train the pair model's adapter (nlp/pairmodel.py) on labelled pairs; store
nlp/data/pair_adapter.npz. Needs PyTorch, which serving does not: pip install torch==2.13.0."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nlp import pairdata, pairmodel, tagger


class Command(BaseCommand):
    help = (
        "Fine-tune the pair model (multilingual-e5-small + low-rank adapters) on JSONL files of "
        "{a, b, duplicate} pairs (default: the training files in nlp/data); needs PyTorch."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", default=[str(p) for p in pairmodel.TRAIN_FILES])
        parser.add_argument("--epochs", type=int, default=4)  # fresh; see nlp.pairmodel
        parser.add_argument(
            "--mined-share",
            type=float,
            default=0.5,
            help="share of each file's texts paired with their closest other idea (0: none)",
        )
        parser.add_argument("--threshold", type=float, default=pairmodel.DEFAULT_THRESHOLD)
        parser.add_argument("--learning-rate", type=float, default=5e-4)
        parser.add_argument(
            "--init",
            help="go on training the adapter saved in this .npz file instead of a fresh one",
        )
        parser.add_argument("--output", default=str(pairmodel.ADAPTER_PATH))

    def handle(self, *args, **options):
        try:
            from nlp import pairtraining
        except ImportError as exc:
            raise CommandError(
                f"training needs PyTorch ({exc}); install the CPU build: pip install torch==2.13.0"
            ) from exc
        try:
            # one list per file: a file's ideas are told apart by its labels, two files' are not
            files = [tagger.read_jsonl_files([name]) for name in options["files"]]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        pairs = [pair for file_pairs in files for pair in file_pairs]
        if not pairs:
            raise CommandError("no pairs to train on")
        started = time.monotonic()
        share = options["mined_share"]
        mined = [m for f in files for m in pairdata.mined_negatives(f, share)] if share else []
        self.stdout.write(f"{len(pairs)} labelled pairs, {len(mined)} mined pairs of other ideas")
        init = Path(options["init"]) if options["init"] else None
        if init is not None and not init.is_file():
            raise CommandError(f"no adapter at {init}")
        network = pairtraining.train(
            pairs,
            mined=mined,
            epochs=options["epochs"],
            learning_rate=options["learning_rate"],
            init=init,
            log=self.stdout.write,
        )
        path = pairtraining.save(network, Path(options["output"]), options["threshold"])
        pairmodel.reset()
        self.stdout.write(
            f"trained on {len(pairs)} pairs in {time.monotonic() - started:.0f} s → {path}"
        )
