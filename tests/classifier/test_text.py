from classifier.text import mask_pii, normalize, preprocess, segment


def test_normalize_makes_full_width_half_width_and_collapses_whitespace():
    assert normalize("  ＡＢＣ１２３，\u3000电话\n\n号码  ") == "ABC123, 电话 号码"


def test_normalize_turns_traditional_characters_into_simplified():
    assert normalize("東區垃圾車噪音擾民") == "东区垃圾车噪音扰民"


def test_normalize_of_nothing_is_empty():
    assert normalize("") == ""
    assert normalize(None) == ""


def test_mask_pii_replaces_phones_id_numbers_plates_and_email():
    text = (
        "我的手机13812345678，另一个138-1234-5678，座机0371-65432100，"
        "身份证41010519900307123X，车牌豫A·12345和豫AD12345，邮箱zhang.san@example.com"
    )

    masked = mask_pii(text)

    assert masked == (
        "我的手机[手机号]，另一个[手机号]，座机[电话]，身份证[身份证号]，车牌[车牌号]和[车牌号]，邮箱[邮箱]"
    )


def test_mask_pii_keeps_dates_amounts_and_hotline_numbers():
    text = "2020年5月拖欠工资12000元，打了12345热线，房号9-2-301"

    assert mask_pii(text) == text


def test_mask_pii_sees_full_width_digits_after_normalize():
    assert mask_pii(normalize("电话１３８１２３４５６７８")) == "电话[手机号]"


def test_segment_never_returns_personal_data():
    tokens = segment("请回电13812345678或发邮件到li@example.com")

    assert "13812345678" not in "".join(tokens)
    assert "手机号" in tokens
    assert "邮箱" in tokens


def test_segment_drops_stopwords_and_punctuation():
    assert segment("我们小区的路灯坏了！！") == ["小区", "路灯", "坏"]


def test_raw_and_pre_tokenized_forms_give_the_same_tokens():
    # given a raw message and the same message as the training data's tokenized rows write it
    raw = "A1区A2区华庭小区高层二次供水楼顶水箱长年不洗，现在自来水龙头的水有严重霉味。"
    tokenized = "A1 区 A2 区华庭 小区 高层 二次 供水 楼顶 水箱 长年 不洗 现在 自来水 龙头 水 严重 霉味"

    # then both end up as the same tokens
    assert segment(raw) == segment(tokenized)
    assert preprocess(raw) == preprocess(tokenized)


def test_zhengzhou_place_names_stay_whole():
    tokens = segment("金水区文化路街道办事处门口的垃圾没人清运")

    assert "金水区" in tokens
    assert "文化路街道" in tokens or "文化路街道办事处" in tokens


def test_the_tokenizer_is_built_once_even_when_threads_race_for_it(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from classifier import text

    monkeypatch.setattr(text, "_tokenizer", None)
    built = []
    real_tokenizer = text.jieba.Tokenizer

    def counting_tokenizer(*args, **kwargs):
        built.append(1)
        return real_tokenizer(*args, **kwargs)

    monkeypatch.setattr(text.jieba, "Tokenizer", counting_tokenizer)

    with ThreadPoolExecutor(max_workers=4) as pool:
        tokenizers = list(pool.map(lambda _: text.get_tokenizer(), range(8)))

    assert len(built) == 1
    assert all(t is tokenizers[0] for t in tokenizers)


def test_the_fast_segmenter_cuts_exactly_as_jieba_does():
    # jieba-next replaced jieba for speed; a model trained on jieba's tokens must see the same tokens
    import csv
    import logging

    import jieba as original

    from classifier import text, training

    original.setLogLevel(logging.WARNING)
    reference = original.Tokenizer()
    reference.load_userdict(str(text.userdict_path()))
    for placeholder in text.PII_PLACEHOLDERS.values():
        reference.add_word(placeholder.strip("[]"), freq=100000)
    rows = training.examples_from_csv(training.training_csv_path())[::10]
    with (text.fixtures_dir() / "short_summaries.csv").open(encoding="utf-8") as fh:
        texts = [r.text for r in rows] + [r["text"] for r in csv.DictReader(fh)]
    prepared = [text._WHITESPACE.sub("", text.mask_pii(text.normalize(t))) for t in texts]

    ours = text.get_tokenizer()
    differing = [t for t in prepared if ours.lcut(t, HMM=text.USE_HMM) != reference.lcut(t, HMM=text.USE_HMM)]

    assert len(prepared) > 800
    assert differing == []
