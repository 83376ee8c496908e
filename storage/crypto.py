"""Encryption at rest for personal fields (Fernet: AES-128-CBC with HMAC-SHA256)."""

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CipherKeyError(ValueError):
    """The encryption key setting is unusable."""


class FieldCipher:
    """Encrypts with the first key, decrypts with any: add a new key in front to rotate."""

    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise CipherKeyError("no encryption key given")
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in parts])
        except (ValueError, UnicodeEncodeError) as exc:
            raise CipherKeyError("each key must be 32 url-safe base64-encoded bytes") from exc

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise CipherKeyError("stored data cannot be decrypted with these keys") from exc

    def encrypt_json(self, value: dict[str, Any]) -> bytes:
        return self.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def decrypt_json(self, token: bytes) -> dict[str, Any]:
        value = json.loads(self.decrypt(token))
        assert isinstance(value, dict)
        return value
