"""Name parts for generated demo people: common surnames (with the Zhuang and Yao surnames
frequent in Guangxi) and given-name characters. Combined at random, they name no one."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃蓝莫农甘闭蒙梁黄韦李"
)
MALE_GIVEN = "伟强磊军洋勇杰涛明超辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林博文轩睿晨阳昊泽然宏志建国海峰亮成东梓一航铭"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀燕玲婷雪琳晶颖倩慧莹瑶怡欣悦涵萱琪妍雨佳诗思梦晓彤蕾薇月兰凤洁菲璐嘉可心蓉"
NEUTRAL_GIVEN = "文思嘉子雨安宇欣佳乐晨一诗明"


def make_name(rng, gender: str) -> str:
    """A two- or three-character name: surname plus one or two given characters."""
    pool = MALE_GIVEN if gender == "M" else FEMALE_GIVEN
    first = rng.choice(pool + NEUTRAL_GIVEN)
    given = first if rng.random() < 0.3 else first + rng.choice(pool)
    return rng.choice(SURNAMES) + given
