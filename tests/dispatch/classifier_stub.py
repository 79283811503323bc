"""A Prediction with the classifier's interface (interfaces.md), for routing tests that fix the outcome."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeScore:
    code: str
    probability: float


@dataclass(frozen=True)
class FakePrediction:
    categories: list
    model_version: str = "test-1"
    terms: list = field(default_factory=lambda: ["水箱", "霉味"])
    auto: bool = True
    threshold: float = 0.9

    @property
    def top(self):
        return self.categories[0]

    @classmethod
    def of(cls, code: str, probability: float, *, auto: bool = True) -> "FakePrediction":
        rest = (1 - probability) / 2
        return cls(
            categories=[FakeScore(code, probability), FakeScore("环境保护", rest), FakeScore("卫生计生", rest)],
            auto=auto,
        )
