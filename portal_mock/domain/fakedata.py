"""Seeded fake data: ids, UUIDs, masks, people and prose.

Every account owns one ``FakeData`` seeded from the server seed and the
account's label, so the same seed and the same requests give byte-identical
bodies whatever other accounts did in between (tests sharing one server stay
repeatable in any order).

Faker is imported on first use and one instance is shared by the whole
process: building a Faker costs milliseconds and importing it ~100 ms, which
would dominate start-up and per-test account creation.  Each draw re-seeds the
shared instance from the account's own RNG, so sharing it costs no
determinism.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import random
import string
import sys
import types
from pathlib import Path
from typing import Any

_faker: Any = None
# The variant (RFC 4122) and version (4) bits, as uuid.UUID(version=4) sets them.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)
_LETTER_PAIRS = [string.ascii_uppercase[pair % 26] + string.ascii_uppercase[pair // 26] for pair in range(26 * 26)]
"""Two letters for each number below 26², its base-26 digits lowest first."""


def english_only() -> None:
    """Let this process's Faker know of en_US alone, the one locale the mock
    draws from, instead of discovering them all.

    Importing Faker runs ``faker.config``, which imports every provider
    package and lists each one's locales: two thirds of Faker's import, tens
    of milliseconds of a server's start-up.  This puts in its place a
    ``faker.config`` naming the same providers (so every value drawn is the
    one the full import gives) and the one locale.  Only for a process the
    mock owns (``portal-mock serve``): in a test process the user's own
    Faker may want other locales.  Does nothing once Faker is imported.
    """
    spec = importlib.util.find_spec("faker")
    if "faker" in sys.modules or spec is None or spec.origin is None:
        return
    providers = Path(spec.origin).parent / "providers"
    config = types.ModuleType("faker.config")
    config.DEFAULT_LOCALE = "en_US"  # type: ignore[attr-defined]
    config.META_PROVIDERS_MODULES = ["faker.providers"]  # type: ignore[attr-defined]
    config.PROVIDERS = sorted(f"faker.providers.{name}" for _, name, package in pkgutil.iter_modules([str(providers)]) if package)  # type: ignore[attr-defined]
    config.AVAILABLE_LOCALES = ["en_US"]  # type: ignore[attr-defined]
    sys.modules["faker.config"] = config


_FIRST_PROVIDERS = ["faker.providers.person"]
"""What a new account's people are drawn from: every server's first answer
needs them, and nothing else from Faker."""


EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
"""Where people's mailboxes are: the domains reserved for examples, so no
seeded address is anyone's real one."""


class _Faker:
    """Faker's en_US generator, built in two steps: the providers a new
    account's people are drawn from, then the rest the first time anything
    else is asked for.  Building them all is tens of milliseconds, which
    every server paid before its first answer.  The values are the ones a
    full ``Faker("en_US")`` gives: every provider draws from the generator's
    one seeded ``random``, whenever it was added."""

    def __init__(self) -> None:
        from faker import Factory

        self.generator = Factory.create("en_US", providers=list(_FIRST_PROVIDERS))
        self.complete = False

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self.generator, name)
        except AttributeError:
            if self.complete:
                raise
        from faker import Factory
        from faker.config import PROVIDERS

        self.complete = True
        Factory.create("en_US", providers=[path for path in PROVIDERS if path not in _FIRST_PROVIDERS], generator=self.generator)
        return getattr(self.generator, name)


def _shared_faker(seed: int) -> Any:
    global _faker
    if _faker is None:
        _faker = _Faker()
    _faker.generator.seed_instance(seed)
    return _faker


class FakeData:
    """Deterministic id streams and Faker values for one account.

    Ids grow like the vendor's shared serials: from a seeded base, by a small
    seeded step, as if other customers' objects were created in between.
    """

    def __init__(self, seed: int | str, label: str) -> None:
        self.rng = random.Random(f"{seed}:{label}")
        self._task_id = self.rng.randint(2_000_000, 8_000_000)
        self._ticket_id = self.rng.randint(400_000, 900_000)
        self._user_id = self.rng.randint(10_000, 90_000)
        self._id = self.rng.randint(1_000, 9_000)

    def _faker(self) -> Any:
        return _shared_faker(self.rng.getrandbits(64))

    def _step(self, bits: int) -> int:
        """1 to 2**bits: one raw draw, where ``randint`` would take a
        dozen Python-level calls on every task and ticket."""
        return 1 + self.rng.getrandbits(bits)

    def task_id(self) -> int:
        self._task_id += self._step(5)
        return self._task_id

    def ticket_id(self) -> int:
        self._ticket_id += self._step(5)
        return self._ticket_id

    def user_id(self) -> int:
        self._user_id += self._step(5)
        return self._user_id

    def small_id(self) -> int:
        """Ids of minor records: posts, companies, clients, webhooks."""
        self._id += self._step(3)
        return self._id

    def uuid4(self) -> str:
        """``str(uuid.UUID(int=bits, version=4))``, the same string from the
        same bits, without building a UUID object: that object was 60 % of
        the cost of one draw, on every ticket:add."""
        digits = "%032x" % (self.rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET)
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"

    def mask(self) -> str:
        """``ABCD-1234``, from one draw (four choices of a letter and a
        number cost four times as much, on every ticket made); the draw's
        base-26 digits, lowest first, are the letters."""
        drawn, number = divmod(self.rng.randrange(26**4 * 10_000), 10_000)
        return f"{_LETTER_PAIRS[drawn % 676]}{_LETTER_PAIRS[drawn // 676]}-{number:04d}"

    def person(self) -> tuple[str, str]:
        """A (name, email) pair that belong together."""
        fake = self._faker()
        first, last = fake.first_name(), fake.last_name()
        email = f"{first}.{last}@{fake.random_element(EMAIL_DOMAINS)}".lower()
        return f"{first} {last}", email

    def name(self) -> str:
        return self.person()[0]

    def company(self) -> str:
        return str(self._faker().company())

    def sentence(self) -> str:
        return str(self._faker().sentence(nb_words=8))

    def paragraph(self) -> str:
        return str(self._faker().paragraph(nb_sentences=3))

    def provide(self, provider: str) -> str:
        """The value of a Faker provider by name (``domain_name``,
        ``ipv4_public``…), as catalog shapes name them."""
        return str(getattr(self._faker(), provider)())

    def token(self, bits: int = 128) -> str:
        """A secret-looking hex string (API tokens)."""
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"
