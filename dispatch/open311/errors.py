"""The one error of the Open311 face: rendered as the spec's [{code, description}] with a real 4xx."""


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description
