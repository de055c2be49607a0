package retrieval

import (
	"strings"
	"unicode/utf8"
)

// places is a small gazetteer of Chinese provincial-level divisions, major
// cities and the districts of the shipped knowledge base's region, in
// Simplified script. A question naming a place the evidence does not mention
// is declined rather than answered from another place's figures.
var places = []string{
	"北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
	"福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
	"甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
	"深圳", "广州", "杭州", "南京", "苏州", "无锡", "常州", "南通", "宁波", "温州", "嘉兴", "湖州",
	"绍兴", "金华", "衢州", "舟山", "台州", "丽水", "成都", "武汉", "西安", "郑州", "长沙", "合肥",
	"济南", "青岛", "厦门", "福州", "泉州", "沈阳", "大连", "哈尔滨", "长春", "石家庄", "太原", "南昌",
	"南宁", "昆明", "贵阳", "兰州", "海口", "三亚", "拉萨", "乌鲁木齐", "呼和浩特", "银川", "西宁",
	"东莞", "佛山", "珠海", "中山", "惠州", "雄安", "平湖", "海宁", "桐乡", "嘉善", "海盐", "南湖",
	"秀洲", "浦东", "临港", "义乌", "昆山", "徐州", "扬州", "芜湖", "洛阳", "烟台", "潍坊", "唐山",
}

// labelSuffixes turn a place name into the name of a label, brand or
// model rather than a reference to the place: 浙江制造 (a quality mark),
// 上海标准, 浙江品牌. A place followed by one of them is not the place a
// sentence is about.
var labelSuffixes = []string{"制造", "标准", "品牌", "精品", "模式", "经验", "名品", "好品"}

// Places lists the places folded text names, each once, in order of first
// mention: whole gazetteer names, longest first, not inside a label
// (浙江制造).
func (l *Language) Places(folded string) []string {
	var out []string
	for i := 0; i < len(folded); {
		name := ""
		for _, p := range places {
			if len(p) > len(name) && strings.HasPrefix(folded[i:], p) {
				name = p
			}
		}
		if name == "" {
			_, n := utf8.DecodeRuneInString(folded[i:])
			i += n
			continue
		}
		rest := folded[i+len(name):]
		label := false
		for _, s := range labelSuffixes {
			label = label || strings.HasPrefix(rest, s)
		}
		if !label {
			out = appendNew(out, name)
		}
		i += len(name)
	}
	return out
}
