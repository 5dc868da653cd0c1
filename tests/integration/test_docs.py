"""Every YAML and JSON example in README.md and docs/*.md, tried as a reader would paste it.

A fenced ```yaml or ```json block must be marked by an HTML comment on the line just before
its fence, saying what it is, so that the test knows what to do with it:

  <!-- example: config -->       a complete cxgate.yaml: replaces the repository's, `cxgate check`
  <!-- example: config-part -->  top-level keys of cxgate.yaml, merged over the repository's
                                  (a map's keys replace the same keys), `cxgate check`
  <!-- example: channels -->     entries of `channels:`, merged into the repository's
  <!-- example: flow -->         a complete flow file, as flows/<its name>.yaml, `cxgate check`
  <!-- example: flow-part -->    top-level keys of a flow, over a one-step flow, `cxgate check`
  <!-- example: steps -->        steps, or keys of one step; what a step needs and the example
                                  leaves out (on, survey, channel) is filled in, `cxgate check`
  <!-- example: calendar -->     a complete calendars/<name>.yaml, named by a flow, `cxgate check`
  <!-- example: event -->        a POST /v1/events body, posted to the daemon: 202
  <!-- example: output -->       what a command or the API prints: must parse
  <!-- example: fragment -->     not complete on its own: must parse (unless it elides with
                                  ...; JSON may be an object's members)

Any kind may add `error: "text"`: then the check or the post must fail, and what it prints
must contain the text (a deliberately wrong example shows the error it gets). An unmarked
block, a marker without a block, or an unknown kind fails the test: a new example cannot
slip in unchecked. Secrets in examples are ${ENV} references; the test sets each one it
finds to a throwaway value."""
import json
import os
import re
import shutil
import subprocess

import yaml

from harness import check, run

MARKER = re.compile(r'^<!-- (?:doc-)?example: ([a-z-]+)(?: error: "(.*)")? -->$')
FENCE = re.compile(r"^```(yaml|json)\s*$")
KINDS = {"config", "config-part", "channels", "flow", "flow-part", "steps", "calendar", "event", "output", "fragment"}
ONE_STEP = {"id": "docs-example", "on": "docs.example", "survey": {"metric": "nps"}, "channel": "sms"}
SECRET = "docsExampleSecret0123456789abcdef"  # letters and digits: Kannel takes no others


class TextLoader(yaml.SafeLoader):
    """Every scalar a string, as cxgate's loader reads them: PyYAML's YAML 1.1 would turn
    the step key `on` into True and an unquoted 09:30 into 570."""


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text):
    return yaml.load(text, Loader=TextLoader)


class Block:
    def __init__(self, path, line, lang, kind, error, text):
        self.path, self.line, self.lang, self.kind, self.error, self.text = path, line, lang, kind, error, text

    @property
    def where(self):
        return f"{self.path}:{self.line}"


def blocks_of(source, relpath, problems):
    with open(os.path.join(source, relpath)) as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        marker = MARKER.match(lines[i].strip())
        if marker and not (i + 1 < len(lines) and FENCE.match(lines[i + 1])):
            problems.append(f"{relpath}:{i + 1}: example marker not followed by a ```yaml or ```json block")
        if fence:
            end = i + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            text = "\n".join(lines[i + 1:end]) + "\n"
            m = MARKER.match(lines[i - 1].strip()) if i > 0 else None
            if not m:
                problems.append(f"{relpath}:{i + 1}: ```{fence.group(1)} block without an "
                                f"<!-- example: KIND --> marker on the line before it")
            elif m.group(1) not in KINDS:
                problems.append(f"{relpath}:{i}: unknown example kind {m.group(1)!r} (known: {sorted(KINDS)})")
            else:
                out.append(Block(relpath, i + 2, fence.group(1), m.group(1), m.group(2), text))
            i = end
        i += 1
    return out


def documents(source):
    paths = ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(source, "docs"))
                                   if f.endswith(".md"))
    return paths


def parse(block):
    if block.lang == "yaml":
        return load_yaml(block.text)
    try:
        return json.loads(block.text)
    except ValueError:
        return json.loads("{" + block.text + "}")  # an object's members, shown alone


def secrets_env(text):
    return {name: SECRET for name in re.findall(r"\$\{([A-Z0-9_]+)\}", text)}


def fresh_copy(source, workdir, name):
    """The repository's configuration (cxgate.yaml, flows, templates, calendars) in a
    directory of its own, so one example cannot affect another."""
    cfg = os.path.join(workdir, name)
    os.makedirs(cfg)
    shutil.copy(os.path.join(source, "cxgate.yaml"), cfg)
    for d in ("flows", "templates", "calendars"):
        shutil.copytree(os.path.join(source, d), os.path.join(cfg, d))
    # The contact list the recurring-survey examples name (lists/employees.csv).
    shutil.copytree(os.path.join(source, "tests", "data", "schedule", "lists"), os.path.join(cfg, "lists"))
    return cfg


def merged(base, part):
    """part's top-level keys over base; where both are maps, part's keys replace base's one
    level down (a `channels: {sms: ...}` example replaces channel sms, keeps email)."""
    out = dict(base)
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def place(block, cfg):
    """Writes the example where a reader would put it; returns nothing."""
    if block.kind == "config":
        with open(os.path.join(cfg, "cxgate.yaml"), "w") as f:
            f.write(block.text)
    elif block.kind == "config-part":
        with open(os.path.join(cfg, "cxgate.yaml")) as f:
            base = load_yaml(f)
        with open(os.path.join(cfg, "cxgate.yaml"), "w") as f:
            yaml.safe_dump(merged(base, load_yaml(block.text)), f, sort_keys=False, allow_unicode=True)
    elif block.kind == "channels":
        with open(os.path.join(cfg, "cxgate.yaml")) as f:
            base = load_yaml(f)
        with open(os.path.join(cfg, "cxgate.yaml"), "w") as f:
            yaml.safe_dump(merged(base, {"channels": load_yaml(block.text)}), f, sort_keys=False,
                           allow_unicode=True)
    elif block.kind == "flow":
        # Named like a bundled flow, it takes that flow's place (two flows of one name clash).
        name = load_yaml(block.text)["flow"]
        with open(os.path.join(cfg, "flows", f"{name}.yaml"), "w") as f:
            f.write(block.text)
    elif block.kind == "flow-part":
        flow = merged({"flow": "docs-example", "steps": [ONE_STEP]}, load_yaml(block.text))
        with open(os.path.join(cfg, "flows", "docs-example.yaml"), "w") as f:
            yaml.safe_dump(flow, f, sort_keys=False, allow_unicode=True)
    elif block.kind == "steps":
        steps = load_yaml(block.text)
        if isinstance(steps, dict) and "steps" in steps and len(steps) == 1:
            steps = steps["steps"]
        steps = steps if isinstance(steps, list) else [steps]
        steps = [{**ONE_STEP, "id": f"docs-example-{i}", "on": f"docs.example{i}", **step}
                 for i, step in enumerate(steps)]
        with open(os.path.join(cfg, "flows", "docs-example.yaml"), "w") as f:
            yaml.safe_dump({"flow": "docs-example", "steps": steps}, f, sort_keys=False, allow_unicode=True)
    elif block.kind == "calendar":
        name = load_yaml(block.text)["calendar"]
        with open(os.path.join(cfg, "calendars", f"{name}.yaml"), "w") as f:
            f.write(block.text)
        with open(os.path.join(cfg, "flows", "docs-example.yaml"), "w") as f:
            yaml.safe_dump({"flow": "docs-example", "calendar": name, "steps": [ONE_STEP]}, f, sort_keys=False)


def try_check(d, block, workdir, n):
    cfg = fresh_copy(d.source, workdir, f"example-{n}")
    place(block, cfg)
    env = dict(d.env, **secrets_env(block.text))
    res = subprocess.run([d.binary, "check", "--config", os.path.join(cfg, "cxgate.yaml")],
                         capture_output=True, text=True, env=env, timeout=60)
    return res.returncode == 0, res.stdout + res.stderr


JSON_TYPES = {"string": str, "object": dict, "number": (int, float), "integer": int}


def schema_problems(schema, value, where="event"):
    """What the served JSON Schema says is wrong with value: the keywords it uses (type,
    required, properties, additionalProperties, maxLength, enum), nothing more."""
    types = schema.get("type")
    if types:
        types = types if isinstance(types, list) else [types]
        if not any(isinstance(value, JSON_TYPES[t]) and not isinstance(value, bool) for t in types):
            return [f"{where}: not {types}"]
    out = []
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        out.append(f"{where}: longer than {schema['maxLength']}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: not one of {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out += [f"{where}.{k}: required" for k in schema.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                out += schema_problems(props[k], v, f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{where}.{k}: not in the schema")
    return out


def test(make_daemon, workdir):
    d = make_daemon()
    problems, blocks = [], []
    for path in documents(d.source):
        blocks += blocks_of(d.source, path, problems)
    check(not problems, "examples the test cannot read:\n" + "\n".join(problems))

    daemon_started = False
    counts = {}
    for n, block in enumerate(blocks):
        counts[block.kind] = counts.get(block.kind, 0) + 1
        elided = "..." in block.text or "\u2026" in block.text
        if block.kind in ("output", "fragment"):
            if elided:
                continue
            try:
                parse(block)
            except (ValueError, yaml.YAMLError) as e:
                raise AssertionError(f"{block.where}: the {block.kind} does not parse as {block.lang}: {e}")
            continue
        if block.kind == "event":
            if not daemon_started:
                d.start()
                daemon_started = True
            event = json.loads(block.text)
            status, body = d.event(event)
            ok, said = status in (200, 202), f"{status} {body}"
            # What the daemon accepts, its served schema accepts too.
            status, schema = d.request("GET", "/v1/schema/event.json", token=None)
            check(status == 200, f"GET /v1/schema/event.json: {status} {schema}")
            if ok:
                problems = schema_problems(schema, event)
                check(not problems, f"{block.where}: accepted, but the served schema says: {problems}")
        else:
            ok, said = try_check(d, block, workdir, n)
        if block.error is None:
            check(ok, f"{block.where}: the {block.kind} example fails:\n{block.text}\n---\n{said}")
        else:
            check(not ok, f"{block.where}: the example is marked wrong ({block.error!r}) but passes:\n{block.text}")
            check(block.error in said, f"{block.where}: expected {block.error!r} in:\n{said}")
    print(f"{len(blocks)} examples: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    run(test)
