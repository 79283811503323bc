"""Write fixtures/dispatch_catalogue.csv: the item-level 派单目录 for every item of the taxonomy.

How the shipped catalogue was made (kept for provenance; the CSV is the data a city edits and loads with
`manage.py catalogue_import`). Every (一级, 二级) pair has a default (lead unit type, assisting types,
level, 属地/条线/企业, time-limit class); frequent items are set by hand below with their signal words.
Items without hand-written words get the words of their own name ("药品和医疗器械管理" → 药品, 医疗器械).

    python scripts/build_catalogue_fixture.py   # reads fixtures/complaint_categories.csv
"""

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "complaint_categories.csv"
TARGET = ROOT / "fixtures" / "dispatch_catalogue.csv"
COLUMNS = [
    "level1",
    "level2",
    "level3",
    "subitem",
    "lead",
    "assists",
    "level",
    "kind",
    "place_needed",
    "time_limit_class",
    "signal_words",
    "is_active",
]


def spec(lead, assists="", level="district", kind="functional", tlc="general", words=""):
    return {"lead": lead, "assists": assists, "level": level, "kind": kind, "tlc": tlc, "words": words}


def street(assists="", words="", tlc="general", level="street"):
    """A territorial item: the street office of the ticket's place leads."""
    return spec("street_office", assists, level, "territorial", tlc, words)


def utility(lead, assists="", words="", tlc="utility"):
    return spec(lead, assists, "utility", "utility", tlc, words)


def city(lead, assists="", words="", tlc="general"):
    return spec(lead, assists, "city", "functional", tlc, words)


# (一级, 二级) → default for its items.
LEVEL2 = {
    ("城乡建设", "安全生产"): spec("yingji", "street_office"),
    ("城乡建设", "城市建设和市政管理"): spec("chengguan", "street_office"),
    ("城乡建设", "城乡规划"): spec("ziran"),
    ("城乡建设", "村镇建设"): spec("zhujian", "street_office"),
    ("城乡建设", "工程质量"): spec("zhujian"),
    ("城乡建设", "国有土地上房屋征收与补偿"): spec("zhujian", "street_office", tlc="complex"),
    ("城乡建设", "集体土地上房屋拆迁与补偿"): street("zhujian ziran", tlc="complex"),
    ("城乡建设", "建筑市场"): spec("zhujian"),
    ("城乡建设", "其他"): spec("zhujian"),
    ("城乡建设", "住房保障与房地产"): spec("zhujian"),
    ("党务政务", "党的建设"): spec("zuzhi"),
    ("党务政务", "港澳台侨"): city("tongzhan"),
    ("党务政务", "国防外交"): city("waiban"),
    ("党务政务", "民族宗教"): spec("tongzhan"),
    ("党务政务", "其他"): spec("district_gov"),
    ("党务政务", "群众团体"): spec("gonghui"),
    ("党务政务", "宣传舆论"): spec("xuanchuan"),
    ("党务政务", "政治体制"): spec("district_gov"),
    ("国土资源", "海洋气象地震"): city("ziran"),
    ("国土资源", "矿产资源管理"): spec("ziran"),
    ("国土资源", "其他"): spec("ziran"),
    ("国土资源", "土地征收"): spec("ziran", "street_office", tlc="complex"),
    ("国土资源", "土地资源管理"): spec("ziran"),
    ("环境保护", "环保管理"): spec("sthj"),
    ("环境保护", "环境污染"): spec("sthj"),
    ("环境保护", "建设项目审批"): spec("sthj"),
    ("环境保护", "其他"): spec("sthj"),
    ("纪检监察", "党政处分"): spec("jiwei", tlc="complex"),
    ("纪检监察", "干部作风"): spec("jiwei", tlc="complex"),
    ("纪检监察", "滥用职权"): spec("jiwei", tlc="complex"),
    ("纪检监察", "其他"): spec("jiwei", tlc="complex"),
    ("纪检监察", "失职渎职"): spec("jiwei", tlc="complex"),
    ("纪检监察", "贪污贿赂"): spec("jiwei", tlc="complex"),
    ("交通运输", "出租车管理"): city("jiaotong"),
    ("交通运输", "建设管理"): spec("jiaotong"),
    ("交通运输", "交通运输"): city("jiaotong"),
    ("交通运输", "客货运输"): spec("jiaotong"),
    ("交通运输", "其他"): spec("jiaotong"),
    ("交通运输", "邮政管理"): city("youzheng"),
    ("经济管理", "安全生产"): spec("yingji", "street_office"),
    ("经济管理", "保险证券期货"): city("jinrong"),
    ("经济管理", "国资监管"): city("guozi"),
    ("经济管理", "宏观调控"): spec("fagai"),
    ("经济管理", "金融财税"): spec("caizheng"),
    ("经济管理", "能源管理"): spec("fagai"),
    ("经济管理", "其他"): spec("fagai"),
    ("经济管理", "企业破产"): spec("fayuan", tlc="complex"),
    ("科技与信息产业", "电信"): utility("telecom", "gongxin", tlc="general"),
    ("科技与信息产业", "科学技术"): spec("keji"),
    ("科技与信息产业", "其他"): spec("keji"),
    ("科技与信息产业", "信息化建设"): city("gongxin"),
    ("科技与信息产业", "知识产权"): spec("shichang"),
    ("民政", "福利慈善"): spec("minzheng"),
    ("民政", "复退安置"): spec("tuiyi"),
    ("民政", "基层选举和社区建设"): spec("minzheng", "street_office"),
    ("民政", "救灾募捐"): spec("minzheng"),
    ("民政", "民间组织"): spec("minzheng"),
    ("民政", "其他"): spec("minzheng"),
    ("民政", "区划地名"): spec("minzheng"),
    ("民政", "社会服务"): spec("minzheng"),
    ("民政", "社会救助"): spec("minzheng", "street_office"),
    ("民政", "优抚"): spec("tuiyi"),
    ("农村农业", "草原草场"): spec("nongye"),
    ("农村农业", "村务管理"): street("nongye"),
    ("农村农业", "动物防疫"): spec("nongye"),
    ("农村农业", "扶贫开发"): spec("nongye", "street_office"),
    ("农村农业", "惠农补贴"): spec("nongye", "street_office"),
    ("农村农业", "林业管理"): spec("ziran"),
    ("农村农业", "农副产品流通"): spec("shangwu"),
    ("农村农业", "农垦农场"): spec("nongye"),
    ("农村农业", "农资农技"): spec("nongye", "shichang"),
    ("农村农业", "其他"): spec("nongye"),
    ("农村农业", "水库移民"): spec("shuili"),
    ("农村农业", "水利水电"): spec("shuili"),
    ("农村农业", "土地承包经营"): street("nongye"),
    ("农村农业", "野生资源管理"): spec("ziran"),
    ("商贸旅游", "旅游管理"): spec("wenlv"),
    ("商贸旅游", "其他"): spec("shangwu"),
    ("商贸旅游", "商业贸易"): spec("shangwu"),
    ("商贸旅游", "市场监管"): spec("shichang"),
    ("商贸旅游", "质监检验检疫"): spec("shichang"),
    ("卫生计生", "公共卫生"): spec("weijian"),
    ("卫生计生", "其他"): spec("weijian"),
    ("卫生计生", "人口计生"): spec("weijian"),
    ("卫生计生", "食品药品监管"): spec("shichang"),
    ("卫生计生", "医患纠纷"): spec("weijian"),
    ("卫生计生", "医政监管"): spec("weijian"),
    ("政法", "法律服务"): spec("sifa"),
    ("政法", "法制建设"): spec("sifa"),
    ("政法", "行政复议"): spec("sifa"),
    ("政法", "户籍证件"): spec("gongan"),
    ("政法", "交通管理"): spec("jiaojing"),
    ("政法", "警务督察"): spec("gongan"),
    ("政法", "其他"): spec("gongan"),
    ("政法", "社会治安"): spec("gongan", "street_office", tlc="emergency"),
    ("政法", "诉讼"): spec("fayuan", tlc="complex"),
    ("政法", "刑案侦破"): spec("gongan", tlc="complex"),
    ("政法", "刑罚执行"): spec("sifa"),
    ("政法", "仲裁与调解"): spec("sifa"),
    ("教育文体", "教师队伍和待遇"): spec("jiaoyu"),
    ("教育文体", "教育行政管理"): spec("jiaoyu"),
    ("教育文体", "教育收费"): spec("jiaoyu"),
    ("教育文体", "教育体制"): spec("jiaoyu"),
    ("教育文体", "考试招生"): spec("jiaoyu"),
    ("教育文体", "其他"): spec("jiaoyu"),
    ("教育文体", "失学辍学"): spec("jiaoyu"),
    ("教育文体", "体育"): spec("wenlv"),
    ("教育文体", "文化"): spec("wenlv"),
    ("教育文体", "文物管理"): spec("wenlv"),
    ("劳动和社会保障", "城镇居民社会保险"): spec("renshe"),
    ("劳动和社会保障", "城镇职工社会保险"): spec("renshe"),
    ("劳动和社会保障", "工资福利"): spec("renshe"),
    ("劳动和社会保障", "就业培训"): spec("renshe"),
    ("劳动和社会保障", "劳动保护"): spec("renshe"),
    ("劳动和社会保障", "劳动关系"): spec("renshe"),
    ("劳动和社会保障", "其他"): spec("renshe"),
    ("劳动和社会保障", "社保基金管理"): spec("renshe"),
    ("劳动和社会保障", "退休政策及待遇"): spec("renshe"),
}

# Hand-checked items: (一级, 二级, 三级) → spec, or a list of (细项, spec) when the item splits by unit.
ITEMS = {
    # 城乡建设 › 城市建设和市政管理: what most calls are about.
    ("城乡建设", "安全生产", "事故处理"): spec("yingji", "street_office", tlc="emergency", words="安全事故 生产事故"),
    ("城乡建设", "安全生产", "安全隐患"): street(
        "yingji xiaofang",
        words="安全隐患 飞线充电 私拉电线 电动车充电 楼道充电 电动车进楼 电瓶车充电 电动车上楼 楼道里充电 充电危险",
    ),
    ("城乡建设", "城市建设和市政管理", "园林绿化环卫"): spec(
        "chengguan", words="环卫工 环卫车 洒水车 清扫车 垃圾清运 垃圾中转站"
    ),
    ("城乡建设", "城市建设和市政管理", "城管执法"): spec(
        "chengguan",
        "street_office",
        words="占道经营 摊贩 流动摊贩 小摊 摆摊 小商贩 出店经营 店外经营 马路市场 夜市 乱摆 占道 堵住人行道 违规广告 户外广告 乱贴小广告",
    ),
    ("城乡建设", "城市建设和市政管理", "居民服务设施"): street(
        "zhujian", words="便民设施 健身器材 晾衣架 充电桩 休息座椅", level="community"
    ),
    ("城乡建设", "城市建设和市政管理", "城市公共设施"): spec(
        "chengguan",
        words="路灯 井盖 窨井盖 护栏 公厕 公共厕所 垃圾桶 路面 坑洼 人行道 盲道 下水道 雨水井 污水井 排水 积水 内涝 道路破损 路牙石 地砖 路面坑洼 马路坑 路面塌陷 盖板 地砖翘 路灯不亮",
    ),
    ("城乡建设", "城市建设和市政管理", "公共汽车"): utility(
        "bus",
        "jiaotong",
        tlc="general",
        words="公交 公交车 公交司机 公交站 公交线路 站牌 到站不停 甩站 不停站 发车 车次 刷卡 乘车码 B1 快速公交",
    ),
    ("城乡建设", "城市建设和市政管理", "公园管理"): spec("chengguan", words="公园 游园 公园管理处"),
    ("城乡建设", "城市建设和市政管理", "冬季采暖"): utility(
        "heating",
        "chengguan",
        words="暖气 供暖 采暖 暖气片 暖气不热 供热 集中供暖 取暖费 暖气费 室温 热力 没有暖气 没暖气 不供暖 暖气冰凉 暖气漏水 热力公司",
    ),
    ("城乡建设", "城市建设和市政管理", "园林绿化"): spec(
        "chengguan", words="树木 修剪 绿化带 树枝 砍树 草坪 绿地 行道树 枯树 树倒"
    ),
    ("城乡建设", "城市建设和市政管理", "地铁城铁"): utility(
        "metro", "jiaotong", tlc="general", words="地铁 地铁站 地铁口 轨道交通 城铁 地铁施工 号线"
    ),
    ("城乡建设", "城市建设和市政管理", "基础设施"): spec(
        "zhujian", words="断头路 修路 道路施工 市政工程 道路建设 管网改造 道路拓宽"
    ),
    ("城乡建设", "城市建设和市政管理", "小区管理"): street(
        "zhujian",
        words="小区管理 小区环境 小区停车 小区大门 小区围墙 小区绿化 小区道路 业委会 业主委员会 停车位 车位 地锁 门禁 老旧小区 化粪池 堆放杂物 楼道堆放 公共绿地 侵占绿地 占用绿地 公共区域 公共部位 小区公共",
    ),
    ("城乡建设", "城市建设和市政管理", "燃气供应"): [
        (
            "",
            utility("gas", "chengguan", words="燃气 天然气 燃气灶 燃气表 燃气费 气费 通气 停气 燃气管道 开户 燃气公司"),
        ),
        (
            "燃气泄漏",
            utility(
                "gas",
                "chengguan",
                tlc="emergency",
                words="漏气 燃气泄漏 煤气泄漏 煤气味 燃气味 天然气味 闻到煤气 臭鸡蛋味 燃气漏 煤气漏 管道漏气 天然气泄漏",
            ),
        ),
    ],
    ("城乡建设", "城市建设和市政管理", "环境卫生"): street(
        "chengguan",
        words="垃圾 垃圾堆 卫生死角 脏乱差 清扫 保洁 乱扔 乱倒 建筑垃圾 垃圾桶满 没人清理 老鼠 蚊蝇 粪便 臭气熏天 垃圾没人收 垃圾满了 垃圾成堆 没人打扫 垃圾乱堆",
    ),
    ("城乡建设", "城市建设和市政管理", "电力供应"): utility(
        "power",
        words="停电 断电 电压 供电 电费 电表 电线杆 变压器 跳闸 电力 来电 没电 电线老化 高压线 经常停电 电压不稳 停电通知 供电局 供电公司",
    ),
    ("城乡建设", "城市建设和市政管理", "自来水供应"): [
        (
            "",
            utility(
                "water",
                "chengguan",
                words="停水 自来水 水压 水质 水费 水表 供水 水管爆裂 爆管 没水 水浑 黄水 水龙头 来水 水管爆 水管破 水管漏水 自来水管 没有水 断水 水压低 水很小",
            ),
        ),
        # Rooftop tanks and pumps of a residential building belong to its owners and their 物业; the district
        # housing bureau supervises the 物业, the city-management bureau (Zhengzhou's water authority) assists.
        (
            "二次供水",
            spec("zhujian", "chengguan", words="二次供水 楼顶水箱 水箱 水箱清洗 蓄水池 加压泵 霉味 水有异味"),
        ),
    ],
    ("城乡建设", "城乡规划", "违章建筑"): street(
        "chengguan ziran", words="违章建筑 违建 私搭乱建 乱搭乱建 加盖 私自搭建 违法建设 楼顶加盖 阳光房 圈占 搭建"
    ),
    ("城乡建设", "城乡规划", "容积挡光"): spec("ziran", words="挡光 采光 日照 容积率 楼间距"),
    ("城乡建设", "城乡规划", "历史名城保护"): city("ziran", "wenlv"),
    ("城乡建设", "城乡规划", "规划方案"): spec("ziran", words="规划 规划公示 规划变更"),
    ("城乡建设", "工程质量", "施工安全"): spec("zhujian", words="工地 施工安全 脚手架 塔吊 施工现场 基坑"),
    ("城乡建设", "工程质量", "其他"): spec("zhujian", words="工程质量 房屋质量 墙体开裂 裂缝"),
    ("城乡建设", "国有土地上房屋征收与补偿", "房屋拆迁"): spec(
        "zhujian", "street_office", tlc="complex", words="拆迁 强拆 征收 拆迁办"
    ),
    ("城乡建设", "国有土地上房屋征收与补偿", "安置补偿"): spec(
        "zhujian", "street_office", tlc="complex", words="安置 拆迁补偿款 过渡费 拆迁补偿 安置房"
    ),
    ("城乡建设", "国有土地上房屋征收与补偿", "回迁房"): spec(
        "zhujian", "street_office", tlc="complex", words="回迁 回迁房 回迁安置"
    ),
    ("城乡建设", "国有土地上房屋征收与补偿", "棚户区和城中村改造"): spec(
        "zhujian", "street_office", tlc="complex", words="棚改 城中村改造 棚户区"
    ),
    ("城乡建设", "建筑市场", "拖欠工程款"): spec("zhujian", "renshe", words="工程款 拖欠工程款 包工头"),
    ("城乡建设", "建筑市场", "工程招投标"): spec("zhujian", words="招投标 招标 投标 围标"),
    ("城乡建设", "住房保障与房地产", "住房公积金"): city("gongjijin", words="公积金 提取公积金 公积金贷款 公积金中心"),
    ("城乡建设", "住房保障与房地产", "保障性住房"): spec(
        "zhujian", words="公租房 廉租房 保障房 人才公寓 经济适用房 保障性住房"
    ),
    ("城乡建设", "住房保障与房地产", "物业服务"): street(
        "zhujian", words="物业 物业费 物业公司 物业服务 保安 物业不作为 物业管理 收物业费 物业人员"
    ),
    ("城乡建设", "住房保障与房地产", "房地产开发管理"): spec(
        "zhujian", words="开发商 延期交房 交房 烂尾 楼盘 售楼部 预售 网签 购房合同 精装修"
    ),
    ("城乡建设", "住房保障与房地产", "修缮装修"): spec(
        "zhujian", "street_office", words="房屋漏水 楼顶漏水 外墙脱落 维修基金 专项维修资金 房屋维修 防水"
    ),
    ("城乡建设", "住房保障与房地产", "房产证登记、办理"): spec(
        "ziran", "zhujian", words="房产证 不动产证 办证 不动产登记 产权证 大产证"
    ),
    ("城乡建设", "住房保障与房地产", "房屋租赁"): spec(
        "zhujian", "street_office", words="房东 租房 押金 租金 群租房 长租公寓 退租"
    ),
    # 党务政务
    ("党务政务", "党的建设", "组织建设"): spec("zuzhi", words="党员 党组织 组织关系 党费 入党 党支部"),
    ("党务政务", "党的建设", "廉政建设"): spec("jiwei", words="廉政"),
    ("党务政务", "港澳台侨", "侨务"): city("tongzhan", words="华侨 侨眷 归侨 侨务"),
    ("党务政务", "港澳台侨", "台湾事务"): city("tongzhan", words="台胞 台湾同胞 台商"),
    ("党务政务", "国防外交", "军事国防"): city("guofang", words="征兵 入伍 国防 民兵 人防工程 防空警报"),
    ("党务政务", "国防外交", "外交外事"): city("waiban", words="外国人 外籍 外事"),
    ("党务政务", "民族宗教", "宗教事务"): spec("tongzhan", words="宗教 寺庙 教堂 清真寺 烧香 宗教活动 私设聚会点"),
    ("党务政务", "民族宗教", "民族政策"): spec("tongzhan", words="少数民族 民族政策 回族"),
    ("党务政务", "群众团体", "工会工作"): spec("gonghui", words="工会 工会会费 职工之家"),
    ("党务政务", "群众团体", "共青团工作"): city("tuanwei", words="共青团 团员 团组织关系"),
    ("党务政务", "群众团体", "妇联工作"): city("fulian", "street_office", words="妇联 家暴 家庭暴力 妇女权益"),
    ("党务政务", "宣传舆论", "互联网信息监管"): city(
        "wangxin", words="网络谣言 不良信息 网站 公众号 网络暴力 网上造谣 自媒体"
    ),
    ("党务政务", "宣传舆论", "精神文明建设"): spec("xuanchuan", words="文明城市 精神文明 文明创建"),
    ("党务政务", "宣传舆论", "广播影视管理"): spec("wenlv", words="有线电视 广电 电视信号 机顶盒 卫星锅"),
    ("党务政务", "宣传舆论", "出版管理"): spec("xuanchuan", "wenlv", words="出版物 盗版书 非法出版"),
    ("党务政务", "宣传舆论", "新闻管理"): spec("xuanchuan", words="记者 新闻报道 假记者"),
    ("党务政务", "政治体制", "统战工作"): spec("tongzhan", words="统战 民主党派"),
    ("党务政务", "政治体制", "政协工作"): city("zhengxie", words="政协 政协委员 提案"),
    ("党务政务", "政治体制", "人大工作"): city("renda", words="人大代表 人大 代表建议"),
    # 国土资源
    ("国土资源", "海洋气象地震", "气象"): city("qixiang", words="气象 天气预报 人工降雨 气象台 防雷"),
    ("国土资源", "海洋气象地震", "地震"): city("yingji", words="地震 震感 余震"),
    ("国土资源", "矿产资源管理", "矿产开采"): spec("ziran", words="采矿 矿山 盗采 非法采矿 挖矿 采石"),
    ("国土资源", "矿产资源管理", "矿山地质环境"): spec("ziran", words="地面塌陷 采空区 地裂缝 矿山复绿"),
    ("国土资源", "土地征收", "安置补偿"): spec(
        "ziran", "street_office", tlc="complex", words="征地补偿 征地款 土地补偿款 青苗费"
    ),
    ("国土资源", "土地征收", "土地占地"): spec("ziran", "street_office", words="征地 占地 非法占地 占用土地"),
    ("国土资源", "土地征收", "失地农民保障"): spec("renshe", "ziran", words="失地农民 被征地农民 失地"),
    ("国土资源", "土地资源管理", "耕地保护"): spec("ziran", "street_office", words="占用耕地 基本农田 耕地 毁田"),
    ("国土资源", "土地资源管理", "土地权属纠纷"): spec("ziran", "street_office", words="土地纠纷 地界 土地权属"),
    # 环境保护
    ("环境保护", "环境污染", "噪音污染"): [
        (
            "社会生活噪声",
            spec(
                "gongan",
                "street_office",
                words="噪音 噪声 扰民 楼上 邻居 半夜 深夜 广场舞 音响 喇叭 大声 吵闹 吵 装修噪音 唱歌 跳舞 KTV 酒吧 叫卖 声音很大 声音太大 噪音大 太吵 吵得 喧哗 划拳 大喊大叫 狗叫 犬吠",
            ),
        ),
        (
            "施工噪声",
            spec(
                "zhujian",
                "chengguan",
                words="施工噪音 工地 施工 夜间施工 打桩 搅拌 渣土车 机器轰鸣 连夜施工 晚上施工 半夜施工 通宵施工 夜里施工 浇筑 混凝土 施工声音",
            ),
        ),
        ("工业噪声", spec("sthj", words="工厂 厂房 车间 机器设备 风机 冷却塔 工业噪音 生产噪音")),
    ],
    ("环境保护", "环境污染", "大气污染"): [
        ("", spec("sthj", words="废气 排放 烟囱 臭味 刺鼻 焚烧 烧秸秆 扬尘 粉尘 雾霾 烟尘 喷漆 异味 黑烟")),
        ("餐饮油烟", spec("chengguan", "sthj", words="油烟 餐饮油烟 烧烤 油烟机 饭店油烟 排烟")),
    ],
    ("环境保护", "环境污染", "水污染"): spec("sthj", words="污水 排污 河水发臭 废水 黑臭水体 偷排 河道污染 水体"),
    ("环境保护", "环境污染", "固体污染"): spec("sthj", words="固废 工业垃圾 倾倒 危废 工业固废 废渣"),
    ("环境保护", "环境污染", "电磁污染"): spec("sthj", words="基站 辐射 信号塔 电磁 电磁辐射"),
    ("环境保护", "环境污染", "危险化学品污染"): spec("sthj", "yingji", tlc="emergency", words="化学品 危化品 化工"),
    ("环境保护", "建设项目审批", "未批先建"): spec("sthj", words="环评 未批先建 环评手续"),
    # 纪检监察
    ("纪检监察", "干部作风", "官僚主义"): spec("jiwei", tlc="complex", words="官僚主义 门难进 脸难看 事难办 不作为"),
    ("纪检监察", "干部作风", "形式主义"): spec("jiwei", tlc="complex", words="形式主义 走过场 填表"),
    ("纪检监察", "干部作风", "奢靡之风"): spec("jiwei", tlc="complex", words="公款吃喝 大吃大喝 公车私用 奢靡"),
    ("纪检监察", "干部作风", "享乐主义"): spec("jiwei", tlc="complex", words="享乐主义 上班时间打牌 上班玩手机"),
    ("纪检监察", "滥用职权", "打击报复"): spec("jiwei", tlc="complex", words="打击报复 报复举报人"),
    ("纪检监察", "滥用职权", "以权谋私"): spec("jiwei", tlc="complex", words="以权谋私 优亲厚友 吃拿卡要 村干部贪"),
    ("纪检监察", "失职渎职", "玩忽职守"): spec("jiwei", tlc="complex", words="玩忽职守 失职 渎职"),
    ("纪检监察", "失职渎职", "包庇纵容"): spec("jiwei", tlc="complex", words="包庇 纵容 保护伞"),
    ("纪检监察", "贪污贿赂", "贪污"): spec("jiwei", tlc="complex", words="贪污 侵吞 截留"),
    ("纪检监察", "贪污贿赂", "行贿受贿索贿"): spec(
        "jiwei", tlc="complex", words="受贿 行贿 索贿 收红包 送礼 收礼 贿赂 收受贿赂 收钱办事"
    ),
    ("纪检监察", "贪污贿赂", "挪用公款"): spec("jiwei", tlc="complex", words="挪用公款 挪用 私分"),
    ("纪检监察", "贪污贿赂", "买官卖官"): spec("jiwei", tlc="complex", words="买官 卖官 跑官"),
    ("纪检监察", "其他", "其他"): spec("jiwei", tlc="complex", words="纪委 腐败 违纪 举报干部"),
    # 交通运输
    ("交通运输", "出租车管理", "行业监管"): city(
        "jiaotong", words="出租车 的哥 出租车司机 打车 拒载 绕路 绕道 计价器 不打表 议价"
    ),
    ("交通运输", "出租车管理", "网约车问题"): city("jiaotong", words="网约车 滴滴 网约车司机 顺风车 平台派单"),
    ("交通运输", "出租车管理", "运价监管"): city("jiaotong", words="出租车价格 起步价 打车费"),
    ("交通运输", "建设管理", "设施维护"): spec("jiaotong", words="公路 国道 省道 县道 乡道 农村公路 公路坑洼"),
    ("交通运输", "建设管理", "公路收费"): spec("jiaotong", words="收费站 高速收费 过路费 ETC"),
    ("交通运输", "客货运输", "旅客运输"): spec(
        "jiaotong", words="长途汽车 客车 汽车站 客运站 大巴 黑车 班车 客运 城乡公交 乡村公交"
    ),
    ("交通运输", "客货运输", "货物运输"): spec("jiaotong", words="货车 货运 拉货 运输公司"),
    ("交通运输", "客货运输", "物流管理"): spec("jiaotong", words="物流 物流园 物流公司"),
    ("交通运输", "客货运输", "运输安全"): spec("jiaotong", words="超载 超限 运输安全"),
    ("交通运输", "邮政管理", "快递市场管理"): city(
        "youzheng", words="快递 快递员 包裹 丢件 快递柜 驿站 派件 签收 快递公司"
    ),
    ("交通运输", "邮政管理", "邮政市场监管"): city("youzheng", words="邮局 邮政 挂号信 邮件"),
    # 经济管理
    ("经济管理", "安全生产", "安全生产管理"): spec("yingji", "street_office", words="安全生产 安全检查 生产安全"),
    ("经济管理", "安全生产", "事故处理"): spec("yingji", "street_office", tlc="emergency", words="爆炸 事故"),
    ("经济管理", "保险证券期货", "保险业监管"): city("jinrong", words="保险公司 理赔 保单 车险 退保"),
    ("经济管理", "保险证券期货", "证券业监管"): city("jinrong", words="股票 证券 炒股 荐股"),
    ("经济管理", "保险证券期货", "期货基金"): city("jinrong", words="期货 私募 基金公司"),
    ("经济管理", "国资监管", "企业改制"): city("guozi", words="改制 国企改制 国有企业"),
    ("经济管理", "国资监管", "资产流失"): city("guozi", words="国有资产 资产流失"),
    ("经济管理", "金融财税", "税收征管"): spec("shuiwu", words="发票 偷税 漏税 税务 退税 个税 个人所得税 开票 纳税"),
    ("经济管理", "金融财税", "集资融资"): city("jinrong", "gongan", words="非法集资 集资 融资 理财 暴雷 P2P 高息"),
    ("经济管理", "金融财税", "非法经济活动"): city("jinrong", "gongan", words="非法经营 非法放贷 套路贷 高利贷"),
    ("经济管理", "金融财税", "金融管理"): city("jinrong", words="银行 贷款 信用卡 征信 银行卡 柜台 ATM"),
    ("经济管理", "金融财税", "财政收支"): spec("caizheng", words="财政 专项资金 补贴资金 财政拨款"),
    ("经济管理", "企业破产", "政策性破产"): city("guozi", tlc="complex", words="政策性破产"),
    ("经济管理", "能源管理", "能源开发供应"): spec("fagai", words="能源 油价 加油站 成品油"),
    # 科技与信息产业
    ("科技与信息产业", "电信", "通信保障"): utility(
        "telecom",
        "gongxin",
        tlc="general",
        words="手机信号 信号差 没信号 宽带 网速 断网 光纤 网络故障 WiFi 宽带坏 宽带报修 宽带故障 网络不好 没网 上不了网 信号不好",
    ),
    ("科技与信息产业", "电信", "电信资费"): utility(
        "telecom", "gongxin", tlc="general", words="话费 套餐 扣费 流量费 乱扣费 宽带费 营业厅 携号转网"
    ),
    ("科技与信息产业", "电信", "运营商监管"): city("gongxin", words="运营商 移动公司 联通公司 电信公司 骚扰电话"),
    ("科技与信息产业", "信息化建设", "互联网运营管理"): city("wangxin", words="互联网 APP 小程序 网络平台"),
    ("科技与信息产业", "知识产权", "知识产权保护"): spec("shichang", words="专利 侵权 知识产权 仿冒"),
    ("科技与信息产业", "科学技术", "其他"): spec("keji", words="科技 高新技术企业 科技项目"),
    # 民政
    ("民政", "福利慈善", "福利事业"): spec(
        "minzheng", words="养老院 敬老院 福利院 老年人补贴 高龄津贴 高龄补贴 养老服务 日间照料 残疾人补贴"
    ),
    ("民政", "福利慈善", "慈善捐助"): spec("minzheng", words="慈善 捐款 慈善机构 红十字"),
    ("民政", "复退安置", "转业退伍安置"): spec("tuiyi", words="退伍 转业 退役军人 退伍军人 安置工作"),
    ("民政", "复退安置", "复员干部安置"): spec("tuiyi", words="复员 复员干部"),
    ("民政", "基层选举和社区建设", "社区建设"): street(
        "minzheng", words="社区服务中心 居委会 社区工作人员 社区工作者 社区办公", level="community"
    ),
    ("民政", "基层选举和社区建设", "村委会选举"): street("minzheng", words="村委会选举 换届 选举 村主任 贿选"),
    ("民政", "基层选举和社区建设", "居委会选举"): street("minzheng", words="居委会选举"),
    ("民政", "救灾募捐", "救灾管理"): spec("yingji", "minzheng", words="救灾 受灾 灾民 救灾物资"),
    ("民政", "民间组织", "社团管理"): spec("minzheng", words="社会组织 社团 协会 民办非企业"),
    ("民政", "区划地名", "地名管理"): spec("minzheng", words="地名 门牌 路名 门牌号 门牌号码"),
    ("民政", "区划地名", "区划调整"): spec("minzheng", words="区划调整 行政区划 撤县设区"),
    ("民政", "社会服务", "婚姻登记"): spec("minzheng", words="结婚证 离婚证 婚姻登记 结婚登记 离婚登记"),
    ("民政", "社会服务", "收养登记"): spec("minzheng", words="收养 领养"),
    ("民政", "社会服务", "殡葬管理"): spec(
        "minzheng", words="殡仪馆 墓地 公墓 骨灰 丧葬 火化 殡葬 烧纸 墓穴 安葬 办丧事 丧事 去世 墓位"
    ),
    ("民政", "社会服务", "生活无着人员救助"): spec(
        "minzheng", "street_office", words="流浪 乞讨 流浪汉 流浪人员 救助站"
    ),
    ("民政", "社会救助", "城镇低保"): spec("minzheng", "street_office", words="低保 城镇低保 低保金 低保户 申请低保"),
    ("民政", "社会救助", "农村低保"): spec("minzheng", "street_office", words="农村低保"),
    ("民政", "社会救助", "特困人员供养"): spec("minzheng", "street_office", words="特困 五保户 特困供养"),
    ("民政", "社会救助", "医疗救助"): spec("yibao", "minzheng", words="医疗救助 大病救助"),
    ("民政", "社会救助", "其他"): spec("minzheng", "street_office", words="临时救助 困难补助 生活困难"),
    ("民政", "优抚", "老退役军人待遇"): spec("tuiyi", words="优抚 军属 烈士 老兵 优待证"),
    ("民政", "优抚", "评残及伤残抚恤"): spec("tuiyi", words="伤残军人 抚恤 评残"),
    ("民政", "优抚", "参战退役人员待遇"): spec("tuiyi", words="参战 参战老兵"),
    ("民政", "优抚", "参试退役人员待遇"): spec("tuiyi", words="参试 参试人员"),
    # 农村农业
    ("农村农业", "村务管理", "村务公开"): street(
        "nongye", words="村务公开 村务不公开 账目不公开 村务 账目公开 公开账目 村务监督"
    ),
    ("农村农业", "村务管理", "集体财务公开"): street("nongye", words="村账 财务公开 集体收入 村集体"),
    ("农村农业", "村务管理", "集体资产管理"): street("nongye", words="集体资产 集体土地出租 村集体资产"),
    ("农村农业", "村务管理", "村级债务"): street("nongye", words="村级债务 村里欠款"),
    ("农村农业", "动物防疫", "疫情防控"): spec(
        "nongye", words="动物防疫 禽流感 非洲猪瘟 病死猪 病死畜禽 养殖场 养猪场 养鸡场 牛羊"
    ),
    ("农村农业", "扶贫开发", "扶贫开发政策"): spec("nongye", "street_office", words="扶贫 贫困户 脱贫 防返贫 建档立卡"),
    ("农村农业", "惠农补贴", "粮食直补"): spec(
        "nongye", "street_office", words="粮食直补 种粮补贴 耕地地力补贴 惠农补贴 一卡通"
    ),
    ("农村农业", "惠农补贴", "农机农资补贴"): spec("nongye", "street_office", words="农机补贴 农机 农资补贴"),
    ("农村农业", "林业管理", "采伐运输"): spec("ziran", words="砍伐 盗伐 伐树 林木"),
    ("农村农业", "林业管理", "森林防火"): spec("ziran", "yingji", tlc="emergency", words="森林防火 山火 林区"),
    ("农村农业", "林业管理", "林权改革及权属纠纷"): spec("ziran", words="林权 林地"),
    ("农村农业", "农资农技", "农资价格质量"): spec("nongye", "shichang", words="假种子 假化肥 农药 化肥 种子"),
    ("农村农业", "水库移民", "移民补偿安置"): spec("shuili", words="水库移民 移民补偿 移民安置"),
    ("农村农业", "水库移民", "后期扶持"): spec("shuili", words="移民后期扶持 移民补贴"),
    ("农村农业", "水利水电", "防汛抗旱"): spec("shuili", tlc="emergency", words="防汛 抗旱 排涝 河堤 决口 汛期"),
    ("农村农业", "水利水电", "江河湖治理"): spec("shuili", words="河道 河道采砂 采砂 挖沙 黄河 河长 水库 沟渠"),
    ("农村农业", "水利水电", "水事纠纷"): spec("shuili", "street_office", words="灌溉 浇地 水事纠纷 机井 水渠"),
    ("农村农业", "土地承包经营", "宅基地纠纷"): street("ziran nongye", words="宅基地 宅基地纠纷 建房审批 农村建房"),
    ("农村农业", "土地承包经营", "土地承包"): street("nongye", words="承包地 土地承包 承包合同 土地确权"),
    ("农村农业", "土地承包经营", "土地流转"): street("nongye", words="土地流转 流转费 租地"),
    ("农村农业", "野生资源管理", "野生动植物保护"): spec("ziran", words="野生动物 捕鸟 猎捕 野生植物 鸟类 网鸟"),
    # 商贸旅游
    ("商贸旅游", "旅游管理", "景区管理"): spec("wenlv", words="景区 门票 景点 游客 5A 少林寺 嵩山"),
    ("商贸旅游", "旅游管理", "旅游市场管理"): spec("wenlv", words="旅行社 导游 强制购物 旅游团 跟团"),
    ("商贸旅游", "商业贸易", "其他"): spec("shangwu", words="预付卡 办卡 会员卡 充值卡 跑路 健身卡 美容卡"),
    ("商贸旅游", "商业贸易", "劳务输出"): spec("renshe", words="劳务输出 出国务工 劳务派遣出国"),
    ("商贸旅游", "商业贸易", "进出口管理"): city("shangwu", words="进出口 外贸 出口"),
    ("商贸旅游", "市场监管", "商品质量"): spec(
        "shichang",
        words="假冒伪劣 质量问题 以次充好 退货 售后 三无产品 假货 缺斤短两 短斤少两 消费者 网购 网上购物 网上买 不发货 退款 不退款 退钱 电商 直播带货 七天无理由",
    ),
    ("商贸旅游", "市场监管", "物价监督"): spec(
        "shichang", words="物价 乱涨价 明码标价 价格欺诈 哄抬物价 标价 价格 收费过高"
    ),
    ("商贸旅游", "市场监管", "广告监管"): spec("shichang", words="虚假广告 虚假宣传 广告法"),
    ("商贸旅游", "市场监管", "传销"): spec("shichang", "gongan", words="传销 拉人头 传销窝点"),
    ("商贸旅游", "市场监管", "不正当竞争"): spec("shichang", words="不正当竞争 诋毁"),
    ("商贸旅游", "市场监管", "中介机构管理"): spec("shichang", words="中介 中介公司 房产中介"),
    ("商贸旅游", "市场监管", "其他"): spec("shichang", words="营业执照 无照经营 消费纠纷 霸王条款"),
    ("商贸旅游", "质监检验检疫", "特种设备管理"): spec(
        "shichang", "street_office", tlc="emergency", words="电梯 电梯故障 困人 电梯坏 锅炉 压力容器 特种设备 扶梯 关人"
    ),
    ("商贸旅游", "质监检验检疫", "产品质量监控"): spec("shichang", words="产品质量 抽检 质检"),
    ("商贸旅游", "质监检验检疫", "出入境检验检疫"): city("shichang", words="出入境检验"),
    # 卫生计生
    ("卫生计生", "公共卫生", "突发公共卫生事件处理"): spec(
        "weijian", tlc="emergency", words="食物中毒 集体中毒 疫情 突发公共卫生"
    ),
    ("卫生计生", "公共卫生", "疾病预防控制"): spec(
        "weijian", words="疫苗 接种 疾控 传染病 狂犬疫苗 核酸 预防接种 手足口"
    ),
    ("卫生计生", "人口计生", "计划生育服务管理"): spec(
        "weijian", words="计划生育 生育登记 准生证 二孩 三孩 生育服务证"
    ),
    ("卫生计生", "人口计生", "独生子女父母奖励政策"): spec(
        "weijian", words="独生子女 独生子女证 独生子女费 奖励扶助 独生子女补贴"
    ),
    ("卫生计生", "人口计生", "失独家庭"): spec("weijian", words="失独 失独家庭"),
    ("卫生计生", "人口计生", "违法生育"): spec("weijian", words="社会抚养费 违法生育 超生"),
    ("卫生计生", "食品药品监管", "食品安全"): spec(
        "shichang",
        words="食品 过期食品 变质 吃坏肚子 餐馆卫生 后厨 地沟油 饭店 餐厅 蛋糕 吃出 苍蝇 头发 食品安全 小作坊 虫子 菜里 饭菜 吃完拉肚子 发霉 无证餐饮 餐饮店 食物",
    ),
    ("卫生计生", "食品药品监管", "药品和医疗器械管理"): spec(
        "shichang", words="药品 药店 过期药 假药 处方药 医疗器械 药房 卖药"
    ),
    ("卫生计生", "食品药品监管", "保健品化妆品管理"): spec("shichang", words="保健品 化妆品 老年人保健品 会销 美容院"),
    ("卫生计生", "医患纠纷", "患者权益"): spec("weijian", words="医疗纠纷 医患 患者 病人 住院"),
    ("卫生计生", "医患纠纷", "医疗事故争议"): spec("weijian", words="误诊 医疗事故 手术失败 医疗鉴定"),
    ("卫生计生", "医政监管", "医疗收费"): spec("weijian", "yibao", words="医院收费 检查费 医药费 乱收费用 过度医疗"),
    ("卫生计生", "医政监管", "非法行医"): spec("weijian", words="黑诊所 无证行医 非法行医 游医 假医生"),
    ("卫生计生", "医政监管", "医疗机构管理"): spec(
        "weijian", words="医院 诊所 卫生院 社区卫生服务中心 门诊 挂号 急诊 住院部"
    ),
    ("卫生计生", "医政监管", "医务人员管理"): spec("weijian", words="医生 护士 医生态度 医护人员"),
    ("卫生计生", "医政监管", "血液管理"): spec("weijian", words="献血 血站 用血"),
    ("卫生计生", "医政监管", "卫生执法"): spec("weijian", words="卫生许可 公共场所卫生 游泳池 理发店 浴池"),
    # 政法
    ("政法", "法律服务", "律师"): spec("sifa", words="律师 律师事务所"),
    ("政法", "法律服务", "法律援助"): spec("sifa", words="法律援助 免费律师 法律咨询"),
    ("政法", "法律服务", "司法鉴定"): spec("sifa", words="司法鉴定 伤残鉴定 鉴定机构"),
    ("政法", "法律服务", "公证"): spec("sifa", words="公证 公证处 公证书"),
    ("政法", "行政复议", "复议申请"): spec("sifa", words="行政复议 复议"),
    ("政法", "户籍证件", "户籍管理"): spec(
        "gongan", words="户口 落户 迁户口 户籍 上户口 户口本 集体户 户口迁移 户籍室 随迁"
    ),
    ("政法", "户籍证件", "出入境管理"): city("gongan", words="护照 港澳通行证 签证 出入境 台湾通行证"),
    ("政法", "户籍证件", "流动人口管理"): spec("gongan", words="居住证 暂住证 流动人口 居住登记"),
    ("政法", "户籍证件", "身份证管理"): spec("gongan", words="身份证 补办身份证 身份证丢失 换身份证"),
    ("政法", "交通管理", "交通安全管理"): spec(
        "jiaojing",
        words="交警 违章停车 乱停车 乱停乱放 违停 闯红灯 红绿灯 信号灯 堵车 拥堵 酒驾 逆行 占用车道 交通秩序 电动车上牌 车辆乱停",
    ),
    ("政法", "交通管理", "机动车和驾驶员管理"): spec(
        "jiaojing", words="驾驶证 驾照 行驶证 车管所 年检 罚单 扣分 违章处理 车牌 考驾照 驾校"
    ),
    ("政法", "交通管理", "交通事故"): spec(
        "jiaojing", tlc="emergency", words="交通事故 撞车 追尾 肇事 撞人 逃逸 事故认定"
    ),
    ("政法", "警务督察", "警务执法"): spec("gongan", words="民警 警察 出警 执法不公 派出所 接警 报警不处理 辅警"),
    ("政法", "社会治安", "治安案件"): spec(
        "gongan",
        "street_office",
        tlc="emergency",
        words="打架 斗殴 被盗 小偷 盗窃 诈骗 骗子 电信诈骗 寻衅滋事 威胁 偷东西 偷车 电动车被偷 治安 打人 抢劫",
    ),
    ("政法", "社会治安", "黄赌毒"): spec(
        "gongan",
        "street_office",
        tlc="emergency",
        words="赌博 聚众赌博 吸毒 卖淫 嫖娼 黄赌毒 聚赌 赌场 涉黄 开设赌场 赌博窝点 赌钱 打牌赌博 毒品 贩毒",
    ),
    ("政法", "社会治安", "打黑除恶"): spec(
        "gongan", tlc="emergency", words="黑社会 恶势力 黑恶 暴力讨债 强买强卖 村霸 欺行霸市"
    ),
    ("政法", "社会治安", "邪教组织"): spec("gongan", words="邪教 法轮功 全能神"),
    ("政法", "社会治安", "拐卖人口"): spec("gongan", tlc="emergency", words="拐卖 失踪 走失 人贩子"),
    ("政法", "社会治安", "消防安全"): spec(
        "xiaofang",
        "street_office",
        tlc="emergency",
        words="消防 消防通道 灭火器 消火栓 堵塞消防通道 火灾隐患 消防栓 消防设施 着火 起火 烟雾报警",
    ),
    ("政法", "社会治安", "集会游行示威"): city("gongan", tlc="emergency", words="集会 游行 示威 聚集"),
    ("政法", "社会治安", "防范打击恐怖活动"): city("gongan", tlc="emergency", words="恐怖 爆炸物 可疑物品"),
    ("政法", "诉讼", "民事诉讼"): spec("fayuan", tlc="complex", words="法院 起诉 判决 立案难 开庭 诉讼 法官 民事案件"),
    ("政法", "诉讼", "行政诉讼"): spec("fayuan", tlc="complex", words="行政诉讼 告政府"),
    ("政法", "诉讼", "刑事诉讼"): spec("fayuan", tlc="complex", words="刑事诉讼 公诉 检察院"),
    ("政法", "刑案侦破", "立案侦查"): spec("gongan", tlc="complex", words="立案 报案 不立案 刑事案件 案件进展 破案"),
    ("政法", "刑罚执行", "社区矫正"): spec("sifa", "street_office", words="社区矫正 矫正人员 缓刑 假释"),
    ("政法", "刑罚执行", "监狱管理"): city("sifa", words="监狱 服刑 探监 减刑"),
    ("政法", "仲裁与调解", "司法调解"): [
        ("", spec("sifa", "street_office", words="调解 人民调解 纠纷调解 调解委员会")),
        (
            "邻里纠纷",
            street("sifa", words="邻里纠纷 邻里矛盾 家庭纠纷 邻居纠纷 邻居吵架 占用公共区域", level="community"),
        ),
    ],
    ("政法", "仲裁与调解", "劳动仲裁"): spec("renshe", words="劳动仲裁 仲裁委 仲裁院 劳动争议"),
    ("政法", "仲裁与调解", "人事仲裁"): spec("renshe", words="人事仲裁 人事争议"),
    ("政法", "仲裁与调解", "民商事仲裁"): city("sifa", words="民商事仲裁 仲裁委员会 商事仲裁"),
    ("政法", "仲裁与调解", "生效法律文书执行"): spec("fayuan", words="强制执行 执行款 老赖 执行局 申请执行"),
    # 教育文体
    ("教育文体", "教师队伍和待遇", "工资福利"): spec("jiaoyu", words="教师工资 老师工资 绩效工资 教师待遇 乡村教师"),
    ("教育文体", "教师队伍和待遇", "原民办代课教师"): spec("jiaoyu", words="代课教师 民办教师 代课"),
    ("教育文体", "教师队伍和待遇", "师资力量"): spec("jiaoyu", words="师资 老师 教师 班主任 体罚 打学生"),
    ("教育文体", "教育行政管理", "学生负担"): spec("jiaoyu", words="作业多 补课 课业负担 作业 放学太晚 在校时间"),
    ("教育文体", "教育行政管理", "学历学位学籍管理"): spec("jiaoyu", words="学籍 毕业证 学位证 学历认证 转学"),
    ("教育文体", "教育行政管理", "校园安全"): spec(
        "jiaoyu", tlc="emergency", words="校园欺凌 霸凌 校车 学校门口 校园安全 学生安全"
    ),
    ("教育文体", "教育行政管理", "民办学校"): spec("jiaoyu", words="民办学校 私立学校 民办幼儿园 幼儿园"),
    ("教育文体", "教育行政管理", "校外机构管理"): spec(
        "jiaoyu", words="培训机构 辅导班 补习班 校外培训 托管班 培训班 学科培训 退费"
    ),
    ("教育文体", "教育行政管理", "教学管理"): spec("jiaoyu", words="学校 课程 上课 教学 放假 开学 学校管理 午休 食堂"),
    ("教育文体", "教育收费", "乱收费"): spec("jiaoyu", words="乱收费 学校收费 资料费 校服费 择校费 补课费 强制收费"),
    ("教育文体", "教育收费", "收费标准"): spec("jiaoyu", words="学费 收费标准 住宿费 幼儿园收费"),
    ("教育文体", "教育体制", "教育资源配置"): spec(
        "jiaoyu", words="学位紧张 划片 学区 入学难 学校太远 上学难 没有学校 学位 配套学校"
    ),
    ("教育文体", "考试招生", "招生录取"): spec(
        "jiaoyu", words="招生 录取 入学 报名 小升初 幼升小 中考 高考 分班 招生政策"
    ),
    ("教育文体", "考试招生", "考场考纪"): spec("jiaoyu", words="作弊 考场 监考"),
    ("教育文体", "考试招生", "异地升学"): spec("jiaoyu", words="随迁子女 借读 异地中考 异地高考"),
    ("教育文体", "失学辍学", "教育救助"): spec("jiaoyu", words="助学金 贫困生 学生资助 辍学 失学"),
    ("教育文体", "失学辍学", "希望工程"): city("tuanwei", words="希望工程"),
    ("教育文体", "体育", "体育事业"): spec("wenlv", words="体育场 体育馆 球场 运动场 篮球场 足球场 健身房 游泳馆"),
    ("教育文体", "体育", "体育竞赛"): spec("wenlv", words="马拉松 体育赛事 比赛"),
    ("教育文体", "文化", "文化市场与文化执法"): spec(
        "wenlv", words="网吧 歌厅 演出 游戏厅 剧本杀 密室 未成年人进网吧 营业性演出"
    ),
    ("教育文体", "文化", "公共文化"): spec("wenlv", words="图书馆 文化馆 农家书屋 博物馆 文化广场 公共文化"),
    ("教育文体", "文化", "非物质文化遗产"): spec("wenlv", words="非遗 非物质文化遗产"),
    ("教育文体", "文物管理", "文物保护"): spec("wenlv", words="文物 古建筑 遗址 文保单位 古墓 文物保护"),
    # 劳动和社会保障
    ("劳动和社会保障", "城镇居民社会保险", "城镇居民医疗保险"): spec(
        "yibao", words="居民医保 医保 医保卡 报销 异地就医 医保报销 门诊统筹 缴费基数"
    ),
    ("劳动和社会保障", "城镇居民社会保险", "新农村合作医疗"): spec("yibao", words="新农合 合作医疗"),
    ("劳动和社会保障", "城镇居民社会保险", "城乡居民养老保险"): spec(
        "renshe", words="城乡居民养老保险 居民养老保险 新农保 农村养老保险"
    ),
    ("劳动和社会保障", "城镇职工社会保险", "职工医疗保险"): spec("yibao", words="职工医保 医保 报销 医保卡"),
    ("劳动和社会保障", "城镇职工社会保险", "职工生育保险"): spec("yibao", words="生育保险 生育津贴 产检报销"),
    ("劳动和社会保障", "城镇职工社会保险", "职工养老保险"): spec(
        "renshe", words="养老保险 社保 交社保 社保缴费 社保断缴 补缴 社保转移 五险一金 不交社保"
    ),
    ("劳动和社会保障", "城镇职工社会保险", "职工工伤保险"): spec("renshe", words="工伤 工伤认定 工伤赔偿 工伤保险"),
    ("劳动和社会保障", "城镇职工社会保险", "职工失业保险"): spec("renshe", words="失业金 失业保险 失业补助"),
    ("劳动和社会保障", "工资福利", "工资发放"): spec(
        "renshe",
        words="欠薪 拖欠工资 不发工资 讨薪 工资 克扣工资 农民工工资 欠工资 发工资 拖欠 工钱 血汗钱",
    ),
    ("劳动和社会保障", "工资福利", "最低工资标准"): spec("renshe", words="最低工资"),
    ("劳动和社会保障", "工资福利", "住房公积金"): city("gongjijin", words="单位公积金 不交公积金 公积金缴存"),
    ("劳动和社会保障", "工资福利", "福利待遇"): spec("renshe", words="福利待遇 高温补贴 年终奖"),
    ("劳动和社会保障", "就业培训", "就业和再就业"): spec(
        "renshe", words="就业 招聘 再就业 创业贷款 求职 公益性岗位 人才引进 人才补贴 就业补贴"
    ),
    ("劳动和社会保障", "就业培训", "职业培训"): spec("renshe", words="职业培训 技能培训"),
    ("劳动和社会保障", "就业培训", "职业技能鉴定"): spec("renshe", words="职业资格证 技能鉴定 技能证书 职称"),
    ("劳动和社会保障", "劳动保护", "工作时间和休息休假"): spec(
        "renshe", words="加班 加班费 休假 年假 不让休息 超时工作 调休"
    ),
    ("劳动和社会保障", "劳动保护", "女工保护"): spec("renshe", words="产假 怀孕辞退 哺乳期 孕期"),
    ("劳动和社会保障", "劳动关系", "劳动合同纠纷"): spec("renshe", words="劳动合同 不签合同 违约金 试用期"),
    ("劳动和社会保障", "劳动关系", "非法用工"): spec("renshe", words="童工 非法用工 黑工"),
    ("劳动和社会保障", "劳动关系", "农民工权益"): spec("renshe", words="农民工"),
    ("劳动和社会保障", "劳动关系", "劳务派遣纠纷"): spec("renshe", words="劳务派遣 派遣公司"),
    ("劳动和社会保障", "劳动关系", "辞职辞退"): spec(
        "renshe", words="辞退 开除 辞职 解除劳动合同 经济补偿 赔偿金 裁员 离职 被炒"
    ),
    ("劳动和社会保障", "退休政策及待遇", "退休金发放"): spec("renshe", words="退休金 养老金 退休工资 养老金发放"),
    ("劳动和社会保障", "退休政策及待遇", "退休政策"): spec("renshe", words="退休年龄 办理退休 退休手续 退休审批"),
    ("劳动和社会保障", "退休政策及待遇", "病退及提前退休人员待遇"): spec("renshe", words="提前退休 病退"),
    ("劳动和社会保障", "退休政策及待遇", "内部退养人员待遇"): spec("renshe", words="内退 内部退养"),
    ("劳动和社会保障", "社保基金管理", "社保基金管理"): spec("renshe", words="社保基金 社保卡"),
}

GENERIC_TAILS = ("管理", "问题", "政策", "建设", "服务", "工作", "事务", "事业", "待遇")


def name_words(level3: str) -> str:
    """Words of an item's own name: its parts split at 和/与/及/、, each also without a generic tail."""
    if level3 == "其他":
        return ""
    words = []
    for part in re.split("[和与及、]", level3):
        if len(part) < 2:
            continue
        words.append(part)
        for tail in GENERIC_TAILS:
            if part.endswith(tail) and len(part) - len(tail) >= 2:
                words.append(part[: -len(tail)])
    return " ".join(dict.fromkeys(words))


def place_needed(row) -> str:
    if row["kind"] == "territorial" or row["level"] in ("street", "community"):
        return "street"
    if row["kind"] == "utility" or row["level"] == "city":
        return "none"
    return "district"


# Items whose lead serves a district but acts through the place's own station and community: social-life
# noise is handled by the 派出所 of the street with the community, so it needs the street.
NEEDS_STREET = {("环境保护", "环境污染", "噪音污染", "社会生活噪声")}


def rows():
    with SOURCE.open(encoding="utf-8") as f:
        taxonomy = list(csv.DictReader(f))
    for t in taxonomy:
        key = (t["level1"], t["level2"], t["level3"])
        default = LEVEL2[key[:2]]
        hand = ITEMS.get(key)
        variants = hand if isinstance(hand, list) else [("", hand or default)]
        for subitem, s in variants:
            words = s["words"] or name_words(t["level3"])
            row = {
                "level1": t["level1"],
                "level2": t["level2"],
                "level3": t["level3"],
                "subitem": subitem,
                "lead": s["lead"],
                "assists": " ".join(s["assists"].split()),
                "level": s["level"],
                "kind": s["kind"],
                "time_limit_class": s["tlc"],
                "signal_words": "、".join(words.split()),
                "is_active": "1",
            }
            row["place_needed"] = "street" if key + (subitem,) in NEEDS_STREET else place_needed(row)
            yield row
    unknown = set(ITEMS) - {(t["level1"], t["level2"], t["level3"]) for t in taxonomy}
    if unknown:
        raise SystemExit(f"hand-set items not in the taxonomy: {sorted(unknown)}")


def main():
    out = list(rows())
    with TARGET.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(out)
    print(f"{TARGET.relative_to(ROOT)}: {len(out)} rows")


if __name__ == "__main__":
    main()
