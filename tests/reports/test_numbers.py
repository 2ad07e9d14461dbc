import pytest

from reports.numbers import Measure, Style, describe_change, format_figure, format_number, propose_style


@pytest.mark.parametrize(
    "value, style, expected",
    [
        (26, Style.EXACT, "26"),
        (166, Style.EXACT, "166"),
        (4560, Style.EXACT, "4560"),
        (11560, Style.EXACT, "11560"),
        (125600, Style.EXACT, "12.56万"),
        (30, Style.YU, "30"),  # a round number is written exactly
        (34, Style.YU, "30余"),
        (39, Style.YU, "30余"),
        (27, Style.YU, "20余"),
        (356, Style.YU, "350余"),
        (4560, Style.YU, "4500余"),
        (10000, Style.YU, "10000"),
        (10500, Style.YU, "1万余"),
        (10999, Style.YU, "1万余"),
        (11560, Style.YU, "1.1万余"),
        (125600, Style.YU, "12万余"),
        (39600, Style.JIN, "近40000"),
        (9700, Style.JIN, "近10000"),
        (128000, Style.JIN, "近13万"),  # never 近20万: 近 stands for a figure just above
        (40000, Style.JIN, "40000"),
        (4560, Style.CHAO, "超4500"),
        (7, Style.YU, "7"),
        (12.5, Style.EXACT, "12.5"),
        (None, Style.EXACT, "—"),
    ],
)
def test_format_number(value, style, expected):
    assert format_number(value, style) == expected


def test_format_figure_appends_the_unit():
    assert format_figure(39612, "次", "jin") == "近40000次"
    assert format_figure(33, "场", Style.YU) == "30余场"


@pytest.mark.parametrize(
    "value, measure, expected",
    [
        (33, Measure.CAMPAIGN_ACTIVITIES, Style.YU),
        (26, Measure.CAMPAIGN_ACTIVITIES, Style.YU),
        (12, Measure.CAMPAIGN_ACTIVITIES, Style.EXACT),
        (26, Measure.ACTIVITIES, Style.EXACT),
        (4560, Measure.PERSONS, Style.EXACT),
        (166, Measure.POSTS, Style.EXACT),
        (39612, Measure.READS, Style.JIN),
        (31200, Measure.READS, Style.YU),
        (8000, Measure.READS, Style.EXACT),
        (40000, Measure.READS, Style.YU),  # a round figure formats exactly anyway
    ],
)
def test_propose_style(value, measure, expected):
    assert propose_style(value, measure) == expected


def test_describe_change():
    assert describe_change(120, 100) == "较去年同期增长20%"
    assert describe_change(90, 120) == "较去年同期下降25%"
    assert describe_change(100, 100) == "与去年同期持平"
    assert describe_change(100, 0) == ""
