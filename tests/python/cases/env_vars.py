# test: env = GREETING=hello world
# test: env = EMPTY=
# Only the environment given explicitly is visible (no host variables).
import os

print(os.environ.get("GREETING"), repr(os.environ.get("EMPTY")))
visible = sorted(k for k in os.environ if not k.startswith("PYTHON"))
print(visible)
print("HOME" in os.environ, "PATH" in os.environ)
os.environ["NEW"] = "set"
print(os.getenv("NEW"))
