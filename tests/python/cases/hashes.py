# hashlib (built-in md5/sha1/sha2/sha3/blake2: no OpenSSL in the wasm build), hmac, base64.
import base64
import hashlib
import hmac

data = b"The quick brown fox jumps over the lazy dog"
for name in ("md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b", "blake2s"):
    print(name, hashlib.new(name, data).hexdigest())
h = hashlib.sha256()
for chunk in (data[:10], data[10:]):
    h.update(chunk)
print(h.hexdigest() == hashlib.sha256(data).hexdigest())
print(hashlib.shake_128(data).hexdigest(16))
print(hmac.new(b"key", data, "sha256").hexdigest())
print(base64.b64encode(data[:20]).decode(), base64.b32decode(base64.b32encode(b"xyz")))
print(hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1000).hex())
