"""The Python side of the course's typed contracts.

What crosses between the TypeScript side and Python (the launch description, the helpers'
answers, the grader's report) has one zod schema in contracts/; scripts/export-schemas.ts writes
each as JSON Schema to python/schemas/<name>.schema.json. Python checks a value against it where
it reads one (the launcher, the launch description) or before it writes one (the helpers, their
answers), so a value that breaks its contract stops there, with a message naming the field.

The helpers run in the learner's sandbox, where they see this file and their schemas read-only
(the specs that start them list both).
"""

import functools
import json
import os
import sys

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")

# Modules jsonschema imports only to check `format` keywords, which these schemas do not use and
# which validators skip unless asked to. One of them (rfc3987_syntax) builds a grammar at import,
# about 2 s here, and the launcher imports this module on every sandboxed start.
_FORMAT_MODULES = ("rfc3987_syntax", "rfc3987", "rfc3986_validator", "rfc3339_validator", "webcolors", "jsonpointer", "uri_template", "isoduration", "fqdn", "idna")
# A message quotes the value it is about: enough of it to recognize, never a whole token or table.
_MESSAGE_CHARS = 300


class ContractError(ValueError):
    """A value that does not match its schema; the message names each field that does not."""


def schema_file(name):
    return os.path.join(SCHEMA_DIR, f"{name}.schema.json")


def check(name, value, what=None):
    """Returns `value` when it matches the schema `name`; raises ContractError otherwise."""
    errors = list(_validator(name).iter_errors(value))
    if errors:
        problems = sorted({problem for error in errors for problem in _describe(error)})
        raise ContractError(f"{what or name} does not match its contract ({os.path.basename(schema_file(name))}): {'; '.join(problems)}")
    return value


def prepare(name):
    """Loads jsonschema and the schema `name` now (a process that forks does it once for all its forks)."""
    _validator(name)


@functools.cache
def _validator(name):
    with open(schema_file(name), encoding="utf-8") as handle:
        schema = json.load(handle)
    validators = _jsonschema().validators
    return validators.validator_for(schema)(schema)


def _jsonschema():
    if "jsonschema" not in sys.modules:
        kept_out = [module for module in _FORMAT_MODULES if module not in sys.modules]
        sys.modules.update(dict.fromkeys(kept_out))  # None: `import` raises ImportError, which jsonschema expects of a missing one
        try:
            import jsonschema  # noqa: F401
        finally:
            # Whoever imports them later (requests imports idna) gets the real modules.
            for module in kept_out:
                if module in sys.modules and sys.modules[module] is None:
                    del sys.modules[module]
    return sys.modules["jsonschema"]


def _describe(error):
    """What is wrong, one line per field. A union's own error says only that no alternative
    matched: the errors of the alternative that came closest (the fewest) say which field is wrong."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        alternatives = {}
        for inner in error.context:
            alternatives.setdefault(inner.relative_schema_path[0], []).append(inner)
        closest = min(alternatives.values(), key=len)
        return [line for inner in closest for line in _describe(inner)]
    message = error.message if len(error.message) <= _MESSAGE_CHARS else error.message[: _MESSAGE_CHARS - 1] + "…"
    return [f"{error.json_path}: {message}"]
