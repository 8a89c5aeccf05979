"""Fit the adapter of the pair model (``nlp.pairmodel``) with PyTorch.

Only ``manage.py train_pair_model`` imports this module; PyTorch is needed for training, never to
serve (``pip install torch==2.13.0``, the CPU build, is enough: about 21 min per epoch over the
3,807 training pairs, what ``pairdata.augment`` adds and the mined pairs of other ideas, on two
cores). The frozen encoder is the one ``nlp.e5`` reads; low-rank adapters
(rank ``RANK``, scale ``ALPHA / RANK``) on every linear layer and a linear head on the first
token are trained with binary cross-entropy on both orders of every labelled pair.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from . import e5, pairdata, pairmodel

RANK = 8
ALPHA = 16.0
EPOCHS = 4  # a fresh adapter (the shipped one then went on for 1 more: see pairmodel)


class LowRankLinear(nn.Module):
    def __init__(self, weight: np.ndarray, bias: np.ndarray, rank: int):
        super().__init__()
        self.register_buffer("weight", torch.tensor(weight))
        self.register_buffer("bias", torch.tensor(bias))
        self.A = nn.Parameter(torch.randn(rank, weight.shape[1]) / math.sqrt(weight.shape[1]))
        self.B = nn.Parameter(torch.zeros(weight.shape[0], rank))
        self.scale = ALPHA / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias) + (x @ self.A.T @ self.B.T) * self.scale


def _frozen_norm(weight: np.ndarray, bias: np.ndarray, eps: float) -> nn.LayerNorm:
    norm = nn.LayerNorm(weight.shape[0], eps=eps)
    with torch.no_grad():
        norm.weight.copy_(torch.tensor(weight))
        norm.bias.copy_(torch.tensor(bias))
    norm.requires_grad_(False)
    return norm


class Layer(nn.Module):
    def __init__(self, weights: dict[str, np.ndarray], heads: int, eps: float, rank: int):
        super().__init__()
        self.heads = heads
        self.linear = nn.ModuleDict(
            {
                name: LowRankLinear(weights[name + ".w"], weights[name + ".b"], rank)
                for name in e5.LINEAR
            }
        )
        self.attention_norm = _frozen_norm(weights["aln.w"], weights["aln.b"], eps)
        self.output_norm = _frozen_norm(weights["oln.w"], weights["oln.b"], eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        query, key, value = (split(self.linear[name](x)) for name in ("q", "k", "v"))
        context = F.scaled_dot_product_attention(query, key, value, attn_mask=mask)
        context = context.transpose(1, 2).reshape(batch, length, hidden)
        x = self.attention_norm(x + self.linear["ao"](context))
        return self.output_norm(x + self.linear["fo"](F.gelu(self.linear["fi"](x))))


class PairNetwork(nn.Module):
    def __init__(self, encoder: e5.Encoder, rank: int = RANK, dropout: float = 0.1):
        super().__init__()
        words = e5.dequantise(encoder.word_blocks, encoder.hidden)
        self.words = nn.Embedding.from_pretrained(torch.tensor(words), freeze=True)
        self.register_buffer("position", torch.tensor(encoder.position))
        self.register_buffer("token_type", torch.tensor(encoder.token_type[0]))
        self.embed_norm = _frozen_norm(*encoder.embed_norm, encoder.eps)
        self.layers = nn.ModuleList(
            [Layer(weights, encoder.heads, encoder.eps, rank) for weights in encoder.layers]
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.hidden, 1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        length = ids.shape[1]
        x = self.embed_norm(self.words(ids) + self.position[:length] + self.token_type)
        valid = torch.arange(length)[None, :] < lengths[:, None]
        mask = torch.zeros(ids.shape[0], 1, 1, length)
        mask.masked_fill_(~valid[:, None, None, :], float("-inf"))
        for layer in self.layers:
            x = layer(x, mask)
        return self.head(self.dropout(x[:, 0])).squeeze(-1)


def batch(pairs: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Padded inputs and their lengths, with the pieces the pair model reads when serving."""
    sequences = [
        pairmodel.pair_sequence(pairmodel.text_ids(a), pairmodel.text_ids(b)) for a, b in pairs
    ]
    ids = torch.full((len(sequences), max(map(len, sequences))), pairmodel.tokenizer().pad)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence)
    return ids, torch.tensor([len(sequence) for sequence in sequences])


def load(network: PairNetwork, path: Path) -> PairNetwork:
    """Start from a saved adapter and head (``save``'s layout) instead of a fresh one."""
    arrays = np.load(path)
    with torch.no_grad():
        for index, layer in enumerate(network.layers):
            for name, linear in layer.linear.items():
                linear.A.copy_(torch.tensor(arrays[f"l{index}.{name}.A"].astype(np.float32)))
                linear.B.copy_(torch.tensor(arrays[f"l{index}.{name}.B"].astype(np.float32)))
        network.head.weight.copy_(torch.tensor(arrays["head.weight"]).reshape(1, -1))
        network.head.bias.copy_(torch.tensor(arrays["head.bias"]).reshape(1))
    return network


def train(
    pairs: list[dict],
    *,
    mined: Sequence[dict] = (),
    epochs: int = EPOCHS,
    batch_size: int = 16,
    learning_rate: float = 5e-4,
    seed: int = 0,
    init: Path | None = None,
    log: Callable[[str], None] = print,
) -> PairNetwork:
    """Fit a fresh adapter, or go on from the one saved at ``init`` (another epoch over
    old and new pairs at a lower rate: an hour less than a fresh run on two cores)."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    _, encoder = e5.load(tokenizer=False)
    network = PairNetwork(encoder)
    if init is not None:
        load(network, init)
    data = [
        (p["a"], p["b"], float(p["duplicate"]))
        for p in [*pairs, *pairdata.augment(pairs, seed), *mined]
    ]
    data += [(b, a, label) for a, b, label in data]
    trainable = [p for p in network.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    steps = epochs * math.ceil(len(data) / batch_size)
    warmup = max(1, int(0.1 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / steps)
    )
    for epoch in range(epochs):
        network.train()
        rng.shuffle(data)
        total = 0.0
        for start in range(0, len(data), batch_size):
            chunk = data[start : start + batch_size]
            ids, lengths = batch([(a, b) for a, b, _ in chunk])
            labels = torch.tensor([label for *_, label in chunk])
            loss = F.binary_cross_entropy_with_logits(network(ids, lengths), labels)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(chunk)
        log(f"epoch {epoch + 1}/{epochs}: loss {total / len(data):.4f}")
    network.eval()
    return network


def save(network: PairNetwork, path: Path, threshold: float) -> Path:
    """The adapters (float16) and the head, in the layout ``nlp.pairmodel`` reads."""
    arrays: dict[str, np.ndarray] = {
        "scale": np.float32(ALPHA / RANK),
        "threshold": np.float32(threshold),
        "head.weight": network.head.weight.detach().numpy().astype(np.float32),
        "head.bias": network.head.bias.detach().numpy().astype(np.float32),
    }
    for index, layer in enumerate(network.layers):
        for name, linear in layer.linear.items():
            arrays[f"l{index}.{name}.A"] = linear.A.detach().numpy().astype(np.float16)
            arrays[f"l{index}.{name}.B"] = linear.B.detach().numpy().astype(np.float16)
    np.savez_compressed(path, **arrays)
    return path
