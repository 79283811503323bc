"""Word lists for the generated grid layer: 小区 names, institutions of dedicated grids, people.

Invented but plausible; nothing here is a real person. The seed draws from these with a per-region
random generator, so a region's grids never depend on what else was seeded.
"""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾"
    "夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国建华志强海燕俊峰宇浩然博文雪梅丹晨阳"
    "晓东晓燕凤春林玲波斌宁鑫鹤琳瑞雯婷倩慧颖璐琪欣怡帅岩亮飞龙凯旭昊天佳乐"
)

XIAOQU_HEADS = (
    "锦华 金色 阳光 翠竹 绿城 建业 正商 永威 鑫苑 康桥 美景 清华 民安 亚星 名门 海马 保利 万科 碧桂园 融创 华润 龙湖 升龙 天伦 正弘 "
    "普罗 昌建 中原 东方 银基 宏达 裕华 祥和 兴华 福泽 幸福 和谐 怡和 嘉禾 瑞祥 泰和 书香 文华 颐和 锦绣 紫荆 金水 东风 丰乐 "
    "康桥 绿地 橄榄 枫林 梧桐 玫瑰 百合 紫薇 天明 天地 盛世 金域 世纪 新天地 常青 聚源 恒大 安居 长江 黄河 嵩山 伏牛 商都 郑飞 "
    "国棉 中州 豫发 鸿宝 金汇 永和 万达 丽景 龙源 鑫源 润泽 金桥 锦江 泰宏 联盟 兰庭 尚品 博雅 御景 水岸 滨河 双湖"
).split()
XIAOQU_TAILS = (
    "花园 家园 小区 新城 华府 名苑 佳苑 嘉园 公寓 城 里 府 雅苑 尚城 御园 国际 世家 水岸 春天 苑 花苑 丽都 雅居 新村 家属院"
).split()

# Dedicated grids (专属网格): place type label, Place.Kind, share, name patterns ({c}: street core).
DEDICATED_TYPES = (
    (
        "学校",
        "school",
        30,
        ("{c}小学", "{c}中学", "{c}实验小学", "{c}幼儿园", "{c}第二小学", "{c}外国语学校", "{c}第二中学"),
    ),
    ("医院", "hospital", 10, ("{c}社区卫生服务中心", "{c}中医院", "{c}人民医院", "{c}口腔医院", "{c}妇幼保健站")),
    ("市场", "market", 15, ("{c}农贸市场", "{c}综合批发市场", "{c}菜市场", "{c}建材市场", "{c}夜市")),
    ("园区", "park", 13, ("{c}科技产业园", "{c}创业园", "{c}物流园", "{c}电商产业园", "{c}工业园")),
    ("景区", "scenic", 5, ("{c}公园", "{c}湿地公园", "{c}文化广场", "{c}游园")),
    ("企业", "enterprise", 22, ("{c}机械厂", "{c}食品有限公司", "{c}建筑工程公司", "{c}商贸城", "{c}物业服务中心")),
    ("商圈", "other", 5, ("{c}商业街", "{c}购物中心", "{c}美食街")),
)
CHINESE_ORDINALS = "一二三四五六七八九十"
