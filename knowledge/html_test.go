package knowledge

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantFM   frontMatter
		wantBody string
	}{
		{
			name:     "all fields, quoted and not",
			in:       "---\ntitle: '加快建设国际标准化高地'\ndate: 2022-02-17\nauthor: \"新浪财经\"\nurl: https://example.com/a\n---\n正文。\n",
			wantFM:   frontMatter{Title: "加快建设国际标准化高地", Date: "2022-02-17", Author: "新浪财经", URL: "https://example.com/a"},
			wantBody: "正文。\n",
		},
		{
			name:     "source as URL, lists and unknown keys skipped",
			in:       "---\ntitle: 标题\ncategories: \n - 金融\n - 新浪财经\nsource: https://example.com/b\ncomments: false\n---\n<div>正文</div>",
			wantFM:   frontMatter{Title: "标题", URL: "https://example.com/b"},
			wantBody: "<div>正文</div>",
		},
		{
			name:     "value with a colon",
			in:       "---\ndate: Thu, 17 Feb 2022 03:15:53 GMT\nlink: https://example.com/c\n---\n正文",
			wantFM:   frontMatter{Date: "Thu, 17 Feb 2022 03:15:53 GMT", URL: "https://example.com/c"},
			wantBody: "正文",
		},
		{
			name:     "leading blank lines and BOM",
			in:       "\ufeff\n\n---\ntitle: 标题\n---\n正文",
			wantFM:   frontMatter{Title: "标题"},
			wantBody: "正文",
		},
		{
			name:     "CRLF line ends",
			in:       "---\r\ntitle: 标题\r\n---\r\n正文",
			wantFM:   frontMatter{Title: "标题"},
			wantBody: "正文",
		},
		{
			name:     "nothing after the block",
			in:       "---\ntitle: 标题\n---",
			wantFM:   frontMatter{Title: "标题"},
			wantBody: "",
		},
		{
			name:     "no closing line",
			in:       "---\ntitle: 标题\n正文",
			wantBody: "---\ntitle: 标题\n正文",
		},
		{
			name:     "rule with text is no front matter",
			in:       "--- 标题 ---\n正文",
			wantBody: "--- 标题 ---\n正文",
		},
		{
			name:     "no front matter",
			in:       "正文。\n---\n更多。",
			wantBody: "正文。\n---\n更多。",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, body := splitFrontMatter(tt.in)
			if fm != tt.wantFM || body != tt.wantBody {
				t.Errorf("splitFrontMatter(%q) = %+v, %q, want %+v, %q", tt.in, fm, body, tt.wantFM, tt.wantBody)
			}
		})
	}
}

func TestLooksLikeHTML(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"<!DOCTYPE html><html><body>正文</body></html>", true},
		{"<div>正文</div>", true},
		{"<P>正文</P>", true},
		{"<p class=\"a\">正文</p>", true},
		{"正文里提到 a<b 和 <pre 的比较。", false},
		{"上海市标准化发展行动计划", false},
		{strings.Repeat("正", 5000) + "<div>", false},
	}
	for _, tt := range tests {
		t.Run(tail(tt.in, 20), func(t *testing.T) {
			if got := looksLikeHTML(tt.in); got != tt.want {
				t.Errorf("looksLikeHTML(%q) = %v, want %v", tail(tt.in, 20), got, tt.want)
			}
		})
	}
}

const samplePage = `<!DOCTYPE html>
<html>
<head>
<title>上海出台标准化发展行动计划_新闻中心</title>
<style>body{color:red} .x{margin:0}</style>
<script>var tracker = "ga"; function f(){}</script>
</head>
<body>
<header>站点头部 登录 注册</header>
<nav>首页 | 新闻 | 政策</nav>
<div class="breadcrumb">首页 &gt; 新闻</div>
<h1>上海出台《上海市标准化发展行动计划》</h1>
<div class="article">
<p>　　截至2021年底，累计牵头制定国际标准115项&amp;主导制定国家标准4039项。</p>
<p>上海承担<b>ISO/IEC</b>秘书处6个。<br>设立市级标委会44个。</p>
<table><tr><th>项目</th><th>数量</th></tr><tr><td>国际标准</td><td>115项</td></tr></table>
<ul><li>一是标准化制度体系不断健全。</li><li>二是标准化支撑体系日趋完善。</li></ul>
<img src="https://example.com/a.jpg" alt="图片说明">
</div>
<div class="related-links">相关链接：<a href="/b">其他新闻</a></div>
<div id="share-bar">分享到微博</div>
<noscript>请启用脚本</noscript>
<aside>热点排行</aside>
<form><input name="q"><button>搜索</button></form>
<p class="article-editor">责任编辑：王翔</p>
<footer>版权所有 ©2022 新闻中心 联系我们</footer>
</body>
</html>`

func TestHTMLText(t *testing.T) {
	text, title, h1, err := htmlText(samplePage)
	if err != nil {
		t.Fatalf("htmlText(page) error %v", err)
	}
	if title != "上海出台标准化发展行动计划_新闻中心" {
		t.Errorf("htmlText title = %q, want the <title>", title)
	}
	if h1 != "上海出台《上海市标准化发展行动计划》" {
		t.Errorf("htmlText h1 = %q, want the first <h1>", h1)
	}
	want := strings.Join([]string{
		"上海出台《上海市标准化发展行动计划》",
		"截至2021年底，累计牵头制定国际标准115项&主导制定国家标准4039项。",
		"上海承担ISO/IEC秘书处6个。",
		"设立市级标委会44个。",
		"项目 | 数量",
		"国际标准 | 数量：115项",
		"一是标准化制度体系不断健全。",
		"二是标准化支撑体系日趋完善。",
	}, "\n")
	if got := cleanLines(text); got != want {
		t.Errorf("cleanLines(htmlText(page)) =\n%s\nwant\n%s", got, want)
	}
	for _, dropped := range []string{"color:red", "tracker", "站点头部", "首页", "相关链接", "其他新闻", "分享到", "请启用脚本",
		"热点排行", "搜索", "责任编辑", "版权所有", "联系我们", "图片说明", "example.com", "<", "&amp;", "&gt;"} {
		if strings.Contains(text, dropped) {
			t.Errorf("htmlText(page) keeps %q, want it dropped", dropped)
		}
	}
}

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		in        string
		wantTitle string
		wantDate  string
		wantURL   string
		wantText  string
	}{
		{
			name:      "title from <title>",
			file:      "page.html",
			in:        samplePage,
			wantTitle: "上海出台标准化发展行动计划_新闻中心",
			wantText:  "上海出台《上海市标准化发展行动计划》\n",
		},
		{
			name:      "front matter wins over <title>",
			file:      "page.htm",
			in:        "---\ntitle: 前置标题\ndate: Thu, 17 Feb 2022 03:15:53 GMT\nurl: https://example.com/a\n---\n" + samplePage,
			wantTitle: "前置标题",
			wantDate:  "2022-02-17",
			wantURL:   "https://example.com/a",
			wantText:  "上海出台《上海市标准化发展行动计划》\n",
		},
		{
			name:      "<h1> without <title>",
			file:      "page.html",
			in:        "<html><body><h1>一级标题</h1><p>正文，发布于2021年10月9日。</p></body></html>",
			wantTitle: "一级标题",
			wantDate:  "2021-10-09",
			wantText:  "一级标题\n正文，发布于2021年10月9日。",
		},
		{
			name:      "first line without <title> or <h1>",
			file:      "page.html",
			in:        "<div><p>只有正文的一段很短的话。然后更多。</p></div>",
			wantTitle: "只有正文的一段很短的话",
			wantText:  "只有正文的一段很短的话。然后更多。",
		},
		{
			name:      "HTML in a .txt file",
			file:      "page.txt",
			in:        "<div><p>正文一。</p><p>正文二。</p></div>",
			wantTitle: "正文一。",
			wantText:  "正文一。\n正文二。",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse(context.Background(), tt.file, []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.file, err)
			}
			if len(docs) != 1 {
				t.Fatalf("Parse(%q) = %d documents, want 1", tt.file, len(docs))
			}
			d := docs[0]
			if d.Format != "html" {
				t.Errorf("Parse(%q).Format = %q, want html", tt.file, d.Format)
			}
			if d.Title != tt.wantTitle || d.Date != tt.wantDate || d.URL != tt.wantURL {
				t.Errorf("Parse(%q) title, date, url = %q, %q, %q, want %q, %q, %q", tt.file, d.Title, d.Date, d.URL, tt.wantTitle, tt.wantDate, tt.wantURL)
			}
			if !strings.HasPrefix(d.Text, tt.wantText) {
				t.Errorf("Parse(%q).Text = %q, want it to start with %q", tt.file, d.Text, tt.wantText)
			}
		})
	}
}

// trsPage is a page of the TRS CMS, the most common one of Chinese
// government sites: the article body sits in div.TRS_Editor.
const trsPage = `<html><head><title>关于印发《标准化资助办法》的通知_市场监督管理局</title></head><body>
<div class="header">网站首页 机构设置</div>
<div class="main"><h1>关于印发《标准化资助办法》的通知</h1>
<div class="TRS_Editor"><div class="Custom_UnionStyle">
<p>各有关单位：</p>
<p>现将《标准化资助办法》印发给你们，请认真贯彻执行。</p>
<p>第一条　参与制定国家标准的，每项资助10万元。</p>
</div></div>
<p class="article-editor">责任编辑：张三</p>
<div class="share-box">分享到：微信 微博</div>
</div></body></html>`

func TestHTMLTextTRSEditor(t *testing.T) {
	docs, err := Parse(context.Background(), "trs.html", []byte(trsPage))
	if err != nil {
		t.Fatalf("Parse(trs.html) error %v", err)
	}
	d := docs[0]
	for _, s := range []string{"各有关单位：", "现将《标准化资助办法》印发给你们", "参与制定国家标准的，每项资助10万元。"} {
		if !strings.Contains(d.Text, s) {
			t.Errorf("Parse(trs.html).Text = %q, lacks the article body %q", d.Text, s)
		}
	}
	for _, s := range []string{"责任编辑", "分享到", "网站首页"} {
		if strings.Contains(d.Text, s) {
			t.Errorf("Parse(trs.html).Text keeps furniture %q", s)
		}
	}
}

func TestClassWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"TRS_Editor", []string{"trs", "editor"}},
		{"mainNav side-bar", []string{"main", "nav", "side", "bar"}},
		{"canvas", []string{"canvas"}},
		{"HTMLHeader2", []string{"htmlheader"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := classWords(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("classWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A class holding the word nav is furniture; one that merely contains
	// the letters is not.
	page := `<div class="canvas-wrap"><p>画布里的正文。</p></div><div class="top-nav"><a href="/">首页</a></div>`
	text, _, _, err := htmlText(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "画布里的正文") || strings.Contains(text, "首页") {
		t.Errorf("htmlText(%q) = %q, want the canvas text kept and the nav dropped", page, text)
	}
}

func TestHTMLTextHidden(t *testing.T) {
	page := `<body><p>看得见的正文。</p>
<div style="display:none">隐藏的提示一</div>
<div style="color:red; visibility: hidden">隐藏的提示二</div>
<p hidden>隐藏的提示三</p>
<template><p>模板里的文字</p></template>
<span aria-hidden="true">★</span>
<table><tr><th>项目</th><th>金额</th></tr><tr style="display: none"><td>隐藏行</td><td>1</td></tr><tr><td>国家标准</td><td>10万元</td></tr></table>
</body>`
	text, _, _, err := htmlText(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"隐藏", "模板", "★"} {
		if strings.Contains(text, s) {
			t.Errorf("htmlText(hidden) = %q, keeps %q", text, s)
		}
	}
	for _, s := range []string{"看得见的正文。", "国家标准 | 金额：10万元"} {
		if !strings.Contains(text, s) {
			t.Errorf("htmlText(hidden) = %q, lacks %q", text, s)
		}
	}
}

func TestHTMLTableHeaders(t *testing.T) {
	page := `<table><thead><tr><th rowspan="2">项目</th><th colspan="2">资助金额</th></tr><tr><th>主导制定</th><th>参与制定</th></tr></thead>
<tbody><tr><td>国家标准</td><td>20万元</td><td>10万元</td></tr><tr><td rowspan="2">行业标准</td><td>5万元</td><td>2万元</td></tr><tr><td>3万元</td><td>1万元</td></tr></tbody></table>`
	text, _, _, err := htmlText(page)
	if err != nil {
		t.Fatal(err)
	}
	want := "项目 | 资助金额\n项目 | 主导制定 | 参与制定\n" +
		"国家标准 | 资助金额 主导制定：20万元 | 资助金额 参与制定：10万元\n" +
		"行业标准 | 资助金额 主导制定：5万元 | 资助金额 参与制定：2万元\n" +
		"行业标准 | 资助金额 主导制定：3万元 | 资助金额 参与制定：1万元"
	if got := cleanLines(text); got != want {
		t.Errorf("htmlText(table) =\n%s\nwant\n%s", got, want)
	}
}

func TestParseHTMLTooDeep(t *testing.T) {
	page := "<html><body>" + strings.Repeat("<div>", 600) + "<script>var secret = 1;</script>正文" + strings.Repeat("</div>", 600) + "</body></html>"
	_, err := Parse(context.Background(), "deep.html", []byte(page))
	if !errors.Is(err, ErrHTMLTooDeep) {
		t.Fatalf("Parse(deep.html) error %v, want ErrHTMLTooDeep (never the markup as text)", err)
	}
	c, err := Load(context.Background(), fstest.MapFS{"deep.html": {Data: []byte(page)}, "ok.html": {Data: []byte("<p>正文。</p>")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Docs) != 1 || len(c.Skipped) != 1 || !strings.Contains(c.Skipped[0].Reason, "nested too deeply") {
		t.Errorf("Load = %d docs, skipped %v, want deep.html skipped with the reason", len(c.Docs), c.Skipped)
	}
}
