#!/usr/bin/env python3
"""Offline equivalent of frenck/action-addon-linter for addon/ (run by the test suite; needs python3-jsonschema
and python3-yaml from Debian). Prints one line per problem and exits 1 when there is any.

Usage: eng/lint-addon.py [addon-folder]   (default: addon/ next to this script's parent)
Exit codes: 0 no problem, 1 problems (one line each), 2 bad command line.
"""
import json, os, subprocess, sys

import jsonschema
import yaml

if len(sys.argv) > 1 and sys.argv[1] in ('-h', '--help'):
    print(__doc__.strip())
    sys.exit(0)
if len(sys.argv) > 2:
    print('usage: eng/lint-addon.py [addon-folder]', file=sys.stderr)
    sys.exit(2)

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
addon = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'addon')
if not os.path.isfile(os.path.join(addon, 'config.yaml')):
    print(f"lint-addon: {addon} has no config.yaml; name the add-on folder (default: addon/)", file=sys.stderr)
    sys.exit(2)
schema = json.load(open(os.path.join(root, 'eng', 'schemas', 'ha-addon-config.schema.json')))
config = yaml.safe_load(open(os.path.join(addon, 'config.yaml')))
problems = []

# 1. The linter's JSON schema.
for error in sorted(jsonschema.Draft7Validator(schema).iter_errors(config), key=str):
    problems.append(f"config.yaml: {'.'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}")

# 2. Keys set to their default value (the linter's "should be removed, it uses a default value").
for key, value in config.items():
    spec = schema['properties'].get(key, {})
    if 'default' in spec and value == spec['default']:
        problems.append(f"config.yaml: '{key}' should be removed, it uses a default value ({value!r})")

# 3. Deprecated architectures and obsolete keys.
for arch in config.get('arch', []):
    if arch in ('armhf', 'armv7', 'i386'):
        problems.append(f"config.yaml: arch '{arch}' is deprecated since Home Assistant 2025.12; use aarch64 and amd64")
for key, why in (('watchdog', 'use a Docker HEALTHCHECK'), ('codenotary', 'no longer supported'), ('auto_uart', "use 'uart'")):
    if key in config:
        problems.append(f"config.yaml: '{key}' is obsolete: {why}")
maps = [m['type'] if isinstance(m, dict) else m.split(':')[0] for m in config.get('map', [])]
if 'config' in maps and ({'homeassistant_config', 'addon_config'} & set(maps)):
    problems.append("config.yaml: map 'config' cannot be combined with 'homeassistant_config' or 'addon_config'")

# 4. Options and schema agree, nesting depth 2 at most, optional keys carry no default.
def depth(node):
    if isinstance(node, dict):
        return 1 + max([depth(v) for v in node.values()] or [0])
    if isinstance(node, list):
        return 1 + max([depth(v) for v in node] or [0])
    return 0
opts, sch = config.get('options', {}), config.get('schema', {})
if depth(sch) > 3:  # the top-level mapping plus two levels
    problems.append('config.yaml: schema nests deeper than two levels, which the Supervisor refuses')
for key in opts:
    if key not in sch:
        problems.append(f"config.yaml: option '{key}' has no schema entry")
for key, spec in sch.items():
    if isinstance(spec, str) and spec.endswith('?') and key in opts:
        problems.append(f"config.yaml: optional option '{key}' must not have a default in options")
    if not (isinstance(spec, str) and spec.endswith('?')) and key not in opts:
        problems.append(f"config.yaml: required option '{key}' needs a default in options")

# 5. Every schema option (and nested field) has a translation; every port is described.
try:
    translations = yaml.safe_load(open(os.path.join(addon, 'translations', 'en.yaml'))) or {}
except (OSError, yaml.YAMLError) as e:
    problems.append(f"translations/en.yaml: not readable YAML: {e}")
    translations = {}
conf = translations.get('configuration', {})
for key, spec in sch.items():
    entry = conf.get(key)
    if not entry or not entry.get('name') or not entry.get('description'):
        problems.append(f"translations/en.yaml: configuration.{key} needs a name and a description")
        continue
    fields = spec[0] if isinstance(spec, list) and spec and isinstance(spec[0], dict) else spec if isinstance(spec, dict) else {}
    for field in fields:
        f = (entry.get('fields') or {}).get(field)
        if not f or not f.get('name') or not f.get('description'):
            problems.append(f"translations/en.yaml: configuration.{key}.fields.{field} needs a name and a description")
for key in conf:
    if key not in sch:
        problems.append(f"translations/en.yaml: configuration.{key} is not an option")
for port in config.get('ports', {}):
    if port not in (translations.get('network') or {}):
        problems.append(f"translations/en.yaml: network.'{port}' is missing")

# 6. Files the store shows, and no second config.yaml anywhere (the Supervisor searches recursively).
for name in ('DOCS.md', 'README.md', 'CHANGELOG.md', 'icon.png', 'logo.png', 'Dockerfile'):
    if not os.path.isfile(os.path.join(addon, name)):
        problems.append(f"{name} is missing")
try:
    tracked = subprocess.run(['git', '-C', root, 'ls-files', '--cached', '--others', '--exclude-standard'], capture_output=True, text=True, check=True).stdout.split()
    others = [p for p in tracked if os.path.basename(p) == 'config.yaml' and os.path.normpath(os.path.join(root, p)) != os.path.normpath(os.path.join(addon, 'config.yaml'))]
    for path in others:
        problems.append(f"{path}: no other file may be called config.yaml (the Supervisor would read it as an add-on)")
except (OSError, subprocess.CalledProcessError):
    pass

for p in problems:
    print(p)
print(f"{len(problems)} problem(s)")
sys.exit(1 if problems else 0)
