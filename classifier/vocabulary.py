"""Build the two word lists in fixtures/classifier/ (run by `manage.py build_classifier_fixtures`).

- userdict.txt: jieba user dictionary = governance vocabulary (below) + the real Zhengzhou place names
  from fixtures/zhengzhou_divisions.csv (read from the CSV, not the database, so it can be built
  before the divisions are loaded).
- stopwords.txt: derived from the training data. 5,334 rows of complaints_train.csv were published
  already segmented with an unknown stopword list applied; the 2,310 raw rows were not. A word that our
  segmenter produces in at least `min_df` raw rows but (almost) never in the pre-tokenized rows
  (re-segmented the same way) is one that list removed. Removing it from raw rows too is what makes
  both forms look alike to the model. With min_df=5 a real content word would be expected about 11
  times in the pre-tokenized rows; seeing it under a tenth as often by chance is very unlikely.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

# Words of the trade that jieba's general dictionary cuts badly. Frequencies are jieba's scale
# (a common word is in the thousands); they only need to beat the pieces they are made of.
GOVERNANCE_VOCABULARY = """
12345 12345热线 市长热线 热线 网格 网格化 网格长 网格员 专职网格员 兼职网格员 下沉干部 社区网格 微网格 农村网格
专属网格 网格化治理 接诉即办 吹哨报到 派单 派单目录 改派 退单 签收 办结 回访 重办 即办 并单 催办 督办 兜底 承办单位
主办 协办 工单 城管 城管局 城市管理局 综合执法 住建局 住房和城乡建设局 生态环境局 环保局 交通运输局 交通局 教育局
人社局 人力资源和社会保障局 卫健委 卫生健康委员会 商务局 文广旅局 文化广电和旅游局 市场监管局 市场监督管理局 水利局
自然资源局 园林局 公安局 派出所 交警 交警支队 街道办 街道办事处 居委会 村委会 社区居委会 物业 物业公司 业主委员会
业委会 供水 燃气 供热 供电 暖气 停水 停电 停气 自来水 二次供水 占道经营 流动摊贩 违章建筑 违建 私搭乱建 乱搭乱建
噪音扰民 噪声扰民 油烟扰民 广场舞 渣土车 扬尘 井盖 路灯 垃圾清运 垃圾分类 下水道 化粪池 污水 排污 黑臭水体 共享单车
电动车 充电桩 公交站 公交线路 网约车 出租车 拒载 停车位 僵尸车 拖欠工资 欠薪 农民工 社保 医保 养老保险 医疗保险
失业保险 工伤保险 住房公积金 公积金 退休金 养老金 劳动合同 劳动仲裁 低保 廉租房 公租房 棚户区 棚改 老旧小区 加装电梯
学区房 义务教育 幼儿园 补课 乱收费 食品安全 预付卡 消费者 退费 医疗纠纷 疫苗 计划生育 独生子女 二孩
""".split()

PLACE_SUFFIXES = ("居民委员会", "村民委员会", "社区居委会", "居委会", "村委会", "委员会", "办事处")


def place_names(divisions_csv: Path) -> list[str]:
    """Official names plus the forms people say: "XX社区居委会" → "XX社区", "XX村村委会" → "XX村"."""
    names: set[str] = set()
    with divisions_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            if row["level"] == "city":
                names.update({name, name.removesuffix("市")})
                continue
            names.add(name)
            short = name
            for suffix in PLACE_SUFFIXES:
                if short.endswith(suffix) and len(short) > len(suffix) + 1:
                    short = short.removesuffix(suffix)
                    break
            if row["level"] == "community" and not short.endswith(("社区", "村")):
                # "互助路居民委员会" is called 互助路社区; a village committee "X村委会" is X村.
                short = short + ("村" if name.endswith(("村委会", "村民委员会")) else "社区")
            names.add(short)
            if row["level"] == "district" and name.endswith("回族区"):
                names.add(name.replace("回族区", "区"))  # 管城回族区 is 管城区 in speech
    return sorted(n for n in names if len(n) >= 2)


def userdict_lines(divisions_csv: Path) -> list[str]:
    lines = [f"{word} 3000 n" for word in dict.fromkeys(GOVERNANCE_VOCABULARY)]
    known = set(GOVERNANCE_VOCABULARY)
    lines += [f"{name} 2000 ns" for name in place_names(divisions_csv) if name not in known]
    return lines


def derive_stopwords(rows: Iterable[dict], *, cut, min_df: int = 5, max_ratio: float = 0.1) -> list[str]:
    """Words frequent in raw rows and (nearly) absent from pre-tokenized rows (see the module docstring).

    `cut(text) -> list[str]` is the production cut without stopword removal. A word qualifies when it
    occurs in at least `min_df` raw rows and its share of pre-tokenized rows (after those are glued
    and re-cut like production text) is under `max_ratio` times its share of raw rows: re-cutting
    glued tokens can make a removed word reappear by accident ("的" out of "…目的…"), never often.
    A word the source's segmenter left in any published row was not on its list, whatever our cut does.
    """
    raw_df: Counter[str] = Counter()
    tokenized_df: Counter[str] = Counter()
    published_tokens: set[str] = set()  # as the source's segmenter left them
    n_raw = n_tokenized = 0
    for row in rows:
        tokens = set(cut(row["text"]))
        if row["form"] == "tokenized":
            published_tokens.update(row["text"].split())
            tokenized_df.update(tokens)
            n_tokenized += 1
        else:
            raw_df.update(tokens)
            n_raw += 1
    # A trade word can be missing only because the list removed a piece of it ("人力资源和社会保障局"
    # loses its 和); the user dictionary says it matters, so it is never a stopword.
    keep = set(GOVERNANCE_VOCABULARY)
    return sorted(
        w
        for w, n in raw_df.items()
        if n >= min_df
        and w not in keep
        and w not in published_tokens
        and tokenized_df[w] / max(n_tokenized, 1) < max_ratio * n / n_raw
    )


def stopword_lines(derived: list[str]) -> list[str]:
    header = [
        "# Derived by classifier/vocabulary.py from fixtures/complaints_train.csv (see its docstring);",
        "# regenerate with: manage.py build_classifier_fixtures",
    ]
    return header + derived
