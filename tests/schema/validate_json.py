"""Validates JSON files against docs/report-schema.json (JSON Schema 2020-12, Debian's
python3-jsonschema), and checks that the schema rejects what it must.

usage: validate_json.py SCHEMA FILE... [--self-test]
"""

import copy
import json
import sys

import jsonschema


def errors_of(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def self_test(validator, documents):
    """Broken copies of valid reports must fail: the schema is not vacuous."""
    plan = next(d for d in documents if d.get("kind") == "plan")
    run = next(d for d in documents if d.get("kind") == "run")
    app = next(d for d in documents if d.get("kind") == "app")

    def broken(document, change):
        copied = copy.deepcopy(document)
        change(copied)
        return copied

    cases = {
        "a plan without checks": broken(plan, lambda d: d.pop("checks")),
        "an unknown property": broken(plan, lambda d: d.update(surprise=1)),
        "a plan that is done": broken(plan, lambda d: d.update(outcome="done")),
        "a check status of maybe": broken(plan, lambda d: d["checks"][0].update(status="maybe")),
        "a figure that is a number": broken(plan, lambda d: d["checks"][0]["figures"].update(size=12)),
        "another schema version": broken(plan, lambda d: d.update(schema_version=2)),
        "a time with an offset": broken(plan, lambda d: d.update(generated="2026-11-22T06:00:05+01:00")),
        "a plan naming a failed step": broken(plan, lambda d: d.update(failed_step="copy")),
        "a run without results": broken(run, lambda d: d.update(results=None)),
        "a step without its end": broken(run, lambda d: d["steps"][0].pop("ended")),
        "a step outcome of ok": broken(run, lambda d: d["steps"][0].update(outcome="ok")),
        "rows as text": broken(run, lambda d: d["results"]["verification"].update(rows="12")),
        "an app report without info": broken(app, lambda d: d.pop("info")),
        "a run as the last plan": broken(app, lambda d: d.update(last_plan=run)),
    }
    failures = 0
    for name, document in cases.items():
        if validator.is_valid(document):
            print(f"schema self-test: {name} was accepted", file=sys.stderr)
            failures += 1
    print(f"schema self-test: {len(cases) - failures}/{len(cases)} broken reports rejected")
    return failures


def main(argv):
    args = [a for a in argv[1:] if a != "--self-test"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as handle:
        schema = json.load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    failures = 0
    documents = []
    for path in args[1:]:
        with open(path, "rb") as handle:
            document = json.loads(handle.read().decode("utf-8", errors="strict"))
        documents.append(document)
        errors = errors_of(validator, document)
        for error in errors:
            location = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{location}: {error.message}", file=sys.stderr)
        failures += len(errors) > 0
        print(f"{path}: {'invalid' if errors else 'valid'} ({document.get('kind')}, {document.get('outcome', '-')})")
    if "--self-test" in argv:
        failures += self_test(validator, documents)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
