#!/usr/bin/env python3
"""How often /ask quotes what the bench's questions ask about.

Reads files written by `scale --only ask --restored --dump FILE` and, for each of the
mix's five question templates, checks that each quoted sentence holds the question's
names and topic (case-insensitive), e.g. for "Why did Grant criticize school funding?"
a quote must contain "grant" and "school funding". A rough measure over generated text,
not a judgement of relevance: it is what told apart two ways of finding /ask's
candidates (see the commit "ask: candidates found by the passages' own words").

    python3 benches/ask_on_topic.py before.txt after.txt
"""

import re
import sys

TEMPLATES = [
    (r"/ask What did (.+) say about (?:the )?(.+)\?", lambda m: [m[1].split()[-1], m[2]]),
    (r"/ask Who is the (.+) spokesman\?", lambda m: [m[1], "spokes"]),
    (r"/ask When did (.+) approve (?:the )?(.+)\?", lambda m: [m[1], m[2]]),
    (r"/ask How much will (?:the )?(.+) cost\?", lambda m: [m[1]]),
    (r"/ask Why did (.+) criticize (?:the )?(.+)\?", lambda m: [m[1], m[2]]),
]


def answers(path):
    out = {}
    for block in open(path, encoding="utf-8").read().split("## ")[1:]:
        question, _, reply = block.partition("\n")
        out.setdefault(question, reply)
    return out


def keys(question):
    for pattern, pick in TEMPLATES:
        m = re.match(pattern, question)
        if m:
            return [k.lower() for k in pick(m)]
    return None


def score(path):
    replies = answers(path)
    answered = quotes = on_topic = first_on_topic = 0
    for question, reply in replies.items():
        wanted = keys(question)
        if wanted is None:
            continue
        quoted = [l.lower() for l in reply.splitlines() if l.startswith("  >")]
        answered += bool(quoted)
        for i, line in enumerate(quoted):
            ok = all(k in line for k in wanted)
            quotes += 1
            on_topic += ok
            first_on_topic += ok and i == 0
    share = on_topic / max(quotes, 1)
    return (
        f"{path}: answered {answered}/{len(replies)}, quotes {quotes}, "
        f"on topic {on_topic} ({share:.0%}), first quote on topic {first_on_topic}"
    )


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(score(p))
