"""Regenerate fixtures/classifier/userdict.txt and stopwords.txt (see classifier/vocabulary.py)."""

import csv

from django.conf import settings
from django.core.management.base import BaseCommand

from classifier import text, vocabulary


class Command(BaseCommand):
    help = "Build the jieba user dictionary (governance words + Zhengzhou places) and the stopword list."

    def add_arguments(self, parser):
        parser.add_argument("--min-df", type=int, default=5, help="raw rows a word must appear in to be a stopword")

    def handle(self, *args, min_df, **options):
        out = text.fixtures_dir()
        out.mkdir(parents=True, exist_ok=True)
        lines = vocabulary.userdict_lines(settings.FIXTURES_DIR / "zhengzhou_divisions.csv")
        text.userdict_path().write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.stdout.write(f"{text.userdict_path()}: {len(lines)} words")

        tokenizer = text.get_tokenizer()  # first use in this process: built with the new dictionary

        def cut(message):
            cleaned = text._WHITESPACE.sub("", text.mask_pii(text.normalize(message)))
            return [t for t in tokenizer.lcut(cleaned) if not text._is_noise(t)]

        with (settings.FIXTURES_DIR / "complaints_train.csv").open(encoding="utf-8") as fh:
            derived = vocabulary.derive_stopwords(csv.DictReader(fh), cut=cut, min_df=min_df)
        text.stopwords_path().write_text("\n".join(vocabulary.stopword_lines(derived)) + "\n", encoding="utf-8")
        self.stdout.write(f"{text.stopwords_path()}: {len(derived)} stopwords")
