# JSON: encode, decode, pretty-print, custom encoders and errors.
import json

doc = {"name": "warden", "ok": True, "none": None, "n": [1, 2.5, -3e10], "nested": {"é": "ü"}}
text = json.dumps(doc, sort_keys=True)
print(text)
print(json.loads(text) == doc)
print(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
print(json.dumps({"s": {3, 1, 2}}, default=sorted))
try:
    json.loads('{"a": 1,}')
except json.JSONDecodeError as err:
    print("JSONDecodeError:", err.msg, err.lineno, err.colno)
print(json.loads("[1e400, -1e400]"))
