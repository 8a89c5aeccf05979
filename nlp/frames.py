"""The action and the object of an idea: "เพิ่ม" + "ที่จอดรถ" (add a parking space).

Two ideas on one topic usually share most words; what tells them apart is *what* is asked for
(the object: "ที่จอดรถ" vs "ทางลาด") and *what to do* with it (the action: "เพิ่มห้องน้ำ" vs
"ทำความสะอาดห้องน้ำ"). A paraphrase keeps both, even in another register or word order
("ที่จอดรถคนพิการไม่พอ ช่วยเพิ่มให้หน่อย").

The frame is found by a small rule set over the pipeline's newmm tokens, using pythainlp's
bundled ORCHID perceptron POS tagger (offline) for nouns and the word lists in
``nlp/data/idea_frames.json``:

- actions: explicit action verbs by class (add, reduce, stop, repair, clean, inspect, inform,
  train, extend); "มี" counts only after a request marker ("ควรมี", "ขอให้มี"); "ขอ" + noun asks to
  add it; without any action verb, problem cues imply one ("ไม่มี X" → add, "พัง" → repair);
- object: the first noun after the first action that has one (skipping request markers and
  fillers), with up to two following nouns as modifiers; else the noun after "ไม่มี"; else the
  first noun of the text (a topicalised object: "ห้องน้ำผู้หญิงน้อยเกิน ควรสร้างเพิ่ม").

Objects are compared by `word_match`: 1.0 for the same word, a synonym (data file or Thai
WordNet), or a compound containing the other ("ไฟ" / "ไฟส่องสว่าง"), else the cosine of the words'
vectors.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import pipeline, wordnet

DATA_PATH = Path(__file__).resolve().parent / "data" / "idea_frames.json"
OBJECT_WINDOW = 4  # tokens after an action in which its object is looked for
MAX_MODIFIERS = 2

_pos_lock = threading.Lock()


@dataclass(frozen=True)
class Lexicon:
    verb_class: dict[str, str]
    cue_class: dict[str, str]
    requests: frozenset[str]
    fillers: frozenset[str]
    synonym_group: dict[str, int]
    joined: frozenset[str]  # listed words that newmm may split in two
    generic: frozenset[str]  # heads that need the next word ("จุด" + "ชาร์จ")
    bans: frozenset[str]  # "ห้าม", "ไม่ควร": the next verb is the act asked to stop
    acts: frozenset[str]  # acts a ban may name, whatever their POS tag ("จอด", "วิ่ง")
    agents: frozenset[str]  # people asked for to do something ("มีแม่บ้านมาล้าง")
    institutions: frozenset[str]  # addressees and speakers ("เทศบาล", "ลูก"): never the object


@functools.cache
def lexicon() -> Lexicon:
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    verb_class = {w: cls for cls, words in data["actions"].items() for w in words}
    cue_class = {w: cls for cls, words in data["cues"].items() for w in words}
    groups = {}
    for i, words in enumerate(data["synonyms"]):
        for word in words:
            groups[word.lower()] = i
    requests = frozenset(data["requests"])
    generic = frozenset(data.get("generic_heads", []))
    bans = frozenset(data.get("bans", []))
    acts = frozenset(data.get("acts", []))
    agents = frozenset(data.get("agents", []))
    not_actions = frozenset(data.get("not_actions", []))
    institutions = frozenset(data.get("institutions", []))
    return Lexicon(
        verb_class=verb_class,
        cue_class=cue_class,
        requests=requests,
        fillers=frozenset(data["fillers"]) | pipeline.stopwords(),
        synonym_group=groups,
        joined=frozenset(verb_class)
        | frozenset(cue_class)
        | frozenset(groups)
        | requests
        | bans
        | acts
        | generic
        | agents
        | not_actions
        | institutions,
        generic=generic,
        bans=bans,
        acts=acts,
        agents=agents,
        institutions=institutions,
    )


@dataclass
class Frame:
    actions: list[str] = field(default_factory=list)  # action classes, the requested one first
    objects: list[str] = field(default_factory=list)  # object phrase: head, then modifiers
    act: str = ""  # the act a ban forbids ("จอด" in "ห้ามจอดรถ"), else ""

    @property
    def head(self) -> str:
        """The word that names the object: the first of the phrase that is not a generic head
        ("ชาร์จ" in "จุด ชาร์จ รถไฟฟ้า"), else the first ("" without an object)."""
        generic = lexicon().generic
        return next(
            (w for w in self.objects if w not in generic), self.objects[0] if self.objects else ""
        )

    def to_json(self) -> dict:
        data = {"actions": self.actions, "objects": self.objects}
        if self.act:
            data["act"] = self.act
        return data

    @classmethod
    def from_json(cls, data) -> Frame:
        if not isinstance(data, dict):
            return cls()
        return cls(
            actions=[str(a) for a in data.get("actions") or []],
            objects=[str(o) for o in data.get("objects") or []],
            act=str(data.get("act") or ""),
        )


def _pos(tokens: list[str]) -> list[str]:
    if not tokens:
        return []
    from pythainlp.tag import pos_tag

    with _pos_lock:  # the perceptron model loads lazily; keep its first load single
        tagged = pos_tag(tokens, engine="perceptron", corpus="orchid")
    return [tag for _, tag in tagged]


def _merge(tokens: list[str], known) -> list[str]:
    """Join up to three adjacent tokens that form a listed word ("ขุด"+"ลอก", "ตู้"+"กด"+"เงิน")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in (3, 2):
            if i + size <= len(tokens) and "".join(tokens[i : i + size]) in known:
                out.append("".join(tokens[i : i + size]))
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# request markers that say what follows is the request (not "ให้"/"จะ"/"มา", too common)
STRONG_REQUESTS = frozenset(
    {"ขอ", "ขอให้", "ขอเสนอ", "ขอเสนอให้", "ควร", "ควรจะ", "น่าจะ", "อยาก", "อยากให้", "อยากจะ"}
    | {"ช่วย", "รบกวน", "กรุณา", "โปรด", "ได้โปรด", "เสนอ", "เสนอให้", "ขอความอนุเคราะห์"}
    | {"ขอความกรุณา", "ขอความร่วมมือ", "พิจารณา"}  # the formal register
)
ACT_WINDOW = 3  # tokens after a ban in which its act is looked for
BENEFICIARY_MARKERS = frozenset({"สำหรับ", "แก่", "ให้แก่"})


def _split_have(tokens: list[str], requests) -> list[str]:
    """newmm keeps "มีระบบ" as one dictionary word: after a request marker ("อยากให้มีระบบ...")
    split it into "มี" + the noun so "มี" reads as the request to add it."""
    from pythainlp.corpus import thai_words

    out: list[str] = []
    for i, token in enumerate(tokens):
        if (
            i
            and tokens[i - 1] in requests
            and token.startswith("มี")
            and len(token) > 3
            and token[2:] in thai_words()
        ):
            out.extend(["มี", token[2:]])
        else:
            out.append(token)
    return out


def _split_agents(tokens: list[str], agents) -> list[str]:
    """newmm reads "เจ้าหน้าที่มา" as "เจ้าหน้า" + "ที่มา": give the agent back its whole word
    when two tokens are an agent + "มา"/"ไป"."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens):
            joined = tokens[i] + tokens[i + 1]
            for rest in ("มา", "ไป"):
                agent = joined[: -len(rest)]
                if joined.endswith(rest) and agent in agents and agent != tokens[i]:
                    out.extend([agent, rest])
                    i += 2
                    break
            else:
                out.append(tokens[i])
                i += 1
            continue
        out.append(tokens[i])
        i += 1
    return out


def extract(text: str) -> Frame:
    """The frame of one text (empty lists when nothing is found; never raises)."""
    lex = lexicon()
    tokens = _merge(pipeline.tokenize(text)[:200], lex.joined)
    tokens = _split_have(_split_agents(tokens, lex.agents), lex.requests)
    if not tokens:
        return Frame()
    tags = _pos(tokens)

    def is_noun(i: int) -> bool:
        token = tokens[i]
        if token in lex.generic:
            return True
        if token in lex.fillers or token in lex.requests or token in lex.verb_class:
            return False
        if token in lex.institutions:
            return False  # "ขอให้เทศบาลติดตั้ง...", "ลูกเรียน ป.2 ...": the object comes after
        if token in lex.cue_class or token in lex.bans or token.isdigit() or len(token) < 2:
            return False
        if token in lex.synonym_group or token in pipeline.SERVICE_WORDS:
            return True
        return tags[i].startswith("N") or (token.isascii() and token.isalpha())

    def is_content(i: int) -> bool:
        token = tokens[i]
        if token in lex.fillers or token in lex.requests or token in lex.bans:
            return False
        return len(token) >= 2 and not token.isdigit() and pipeline.has_word(token)

    def noun_phrase(start: int, window: int) -> list[str]:
        for j in range(start, min(len(tokens), start + window)):
            if is_noun(j):
                phrase = [tokens[j]]
                k = j + 1
                # a generic head takes the next word whatever it is ("จุด" + "ชาร์จ", "ค่า" + "จอด")
                while phrase[-1] in lex.generic and k < len(tokens) and is_content(k):
                    phrase.append(tokens[k])
                    k += 1
                modifiers = 0
                while k < len(tokens) and modifiers < MAX_MODIFIERS and is_noun(k):
                    phrase.append(tokens[k])
                    modifiers += 1
                    k += 1
                # whom it is for names the idea too ("ห้องน้ำสำหรับผู้พิการ" is not
                # "ห้องน้ำสำหรับเด็กเล็ก"): the nouns after "สำหรับ" are modifiers as well
                if k + 1 < len(tokens) and tokens[k] in BENEFICIARY_MARKERS:
                    k += 1
                    while k < len(tokens) and modifiers < MAX_MODIFIERS + 1 and is_noun(k):
                        phrase.append(tokens[k])
                        modifiers += 1
                        k += 1
                return phrase
            if tokens[j] in lex.verb_class and j > start:
                break  # another action: its own object, not ours
        return []

    def banned_act(start: int) -> tuple[int, str]:
        """The act after a ban: a listed act or the first verb, skipping a noun subject."""
        for j in range(start, min(len(tokens), start + ACT_WINDOW)):
            token = tokens[j]
            if token in lex.acts or token in lex.verb_class:
                return j, token
            if tags[j].startswith("V") and is_content(j):
                return j, token
        return -1, ""

    def does(i: int) -> bool:
        """An agent followed by what it should do: "แม่บ้าน (มา) ล้าง", "เจ้าหน้าที่ (มา) ตรวจ"."""
        if i >= len(tokens) or tokens[i] not in lex.agents:
            return False
        j = i + 1 + int(i + 1 < len(tokens) and tokens[i + 1] in {"มา", "ไป", "ช่วย"})
        return j < len(tokens) and tokens[j] in lex.verb_class

    def requested(i: int) -> bool:
        """A request marker shortly before "มี": "ควรมี", "อยากให้เทศบาลมี", "ขอให้ อบต. มี"."""
        return any(t in lex.requests for t in tokens[max(0, i - 3) : i])

    actions: list[tuple[int, str]] = []
    cues: list[tuple[int, str]] = []
    act, act_position, skip_until = "", -1, -1
    for i, word in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        if i <= skip_until:
            continue
        if word in {"มี", "ส่ง", "ขอ"} and does(i + 1):
            continue  # the agent's act is the action ("มีแม่บ้านมาล้าง": clean)
        if word in lex.bans or (word == "ควร" and prev == "ไม่"):
            position, found = banned_act(i + 1)
            actions.append((i, "stop"))
            if found and not act:
                act, act_position = found, position
            skip_until = position
            continue
        if prev in lex.generic and word in lex.verb_class:
            continue  # part of the object ("ช่องทาง" + "ติดตาม", "บริการ" + "ตรวจ")
        if word == "มี" and prev != "ไม่" and requested(i):
            actions.append((i, "add"))
        elif word == "มี" and prev == "ไม่":
            cues.append((i, "add"))
        elif word == "ขอ" and i + 1 < len(tokens) and is_noun(i + 1):
            actions.append((i, "add"))
        elif word in lex.verb_class:
            if prev == "ไม่" or (prev in lex.verb_class and lex.verb_class[prev] == "stop"):
                continue  # "ไม่บอก" is a complaint; "ยกเลิกเก็บ": the cancelling is the action
            actions.append((i, lex.verb_class[word]))
        elif word in lex.cue_class:
            cues.append((i, lex.cue_class[word]))
        elif prev == "ไม่" and word in {"พอ", "ทั่วถึง", "เพียงพอ"}:
            cues.append((i, "add"))

    # the requested action first: the first one after a request marker ("...ปิดเร็วไป อยากให้
    # เปิดถึงค่ำ": the complaint's verb is not the request), else the first one
    marker = next((i for i, t in enumerate(tokens) if t in STRONG_REQUESTS), None)
    if marker is not None:
        after = [a for a in actions if a[0] > marker]
        actions = after + [a for a in actions if a[0] <= marker]

    objects: list[str] = []
    for position, _ in actions:
        if position < act_position <= position + ACT_WINDOW:
            # a ban: its subject before the act ("ห้ามรถบรรทุกวิ่ง"), else the act's object
            objects = noun_phrase(position + 1, act_position - position - 1)
            objects = objects or noun_phrase(act_position + 1, OBJECT_WINDOW)
        else:
            objects = noun_phrase(position + 1, OBJECT_WINDOW)
        if objects:
            break
    if not objects:
        for position, cls in cues:
            if cls == "add" and tokens[position] in {"มี", "ไม่มี"}:
                objects = noun_phrase(position + 1, OBJECT_WINDOW)
                if objects:
                    break
    if not objects:
        objects = noun_phrase(0, len(tokens))
    classes = [cls for _, cls in actions] or [cls for _, cls in cues]
    return Frame(actions=list(dict.fromkeys(classes)), objects=objects, act=act)


@functools.lru_cache(maxsize=65_536)
def synonym_keys(word: str) -> frozenset[str]:
    """What makes two words synonyms: the word's listed synonym group (data file) and its Thai
    WordNet synsets; two words sharing a key are synonyms."""
    group = lexicon().synonym_group.get(word)
    listed = frozenset() if group is None else frozenset((f"listed:{group}",))
    return listed | wordnet.synsets(word)


def same_word(a: str, b: str) -> bool:
    """Same word, synonyms (listed or Thai WordNet), or a Thai compound containing the other
    ("ไฟ" in "ไฟถนน")."""
    if a == b:
        return True
    if synonym_keys(a) & synonym_keys(b):
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 2 and long.startswith(short) and not short.isascii()


def action_agreement(a: Frame, b: Frame) -> float:
    """1.0 when both ask for the same kind of action (for bans: the same act, "ห้ามวิ่ง" is not
    "ห้ามจอด"), 0.5 when one's requested action is only a side action of the other or unknown,
    0.0 for different ones ("เพิ่มรอบ" vs "ลดรอบ")."""
    if not a.actions or not b.actions:
        return 0.5
    if a.actions[0] == b.actions[0]:
        if a.actions[0] == "stop" and a.act and b.act and not same_word(a.act, b.act):
            return 0.0
        return 1.0
    if a.actions[0] in b.actions or b.actions[0] in a.actions:
        return 0.5
    return 0.0
