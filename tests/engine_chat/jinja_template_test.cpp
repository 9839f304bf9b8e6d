// The Jinja interpreter against what Jinja2 3.1 renders with transformers' environment
// (trim_blocks, lstrip_blocks, the immutable sandbox, its tojson and raise_exception): each
// expectation below is Jinja2's own output for the same template.
#include <gtest/gtest.h>

#include <string>

#include "engine/chat/jinja_json.h"
#include "engine/chat/jinja_template.h"

namespace llm::engine::jinja {
namespace {

Result<std::string> Try(const std::string& source, const Variables& vars = {},
                        const RenderOptions& options = {}) {
  LLM_ASSIGN_OR_RETURN(Template t, Template::Parse(source));
  return t.Render(vars, options);
}

std::string Render(const std::string& source, const Variables& vars = {}) {
  auto text = Try(source, vars);
  EXPECT_TRUE(text.ok()) << source << ": " << text.status().ToString();
  return text.ok() ? *text : "<error>";
}

Status Fails(const std::string& source, const Variables& vars = {},
             const RenderOptions& options = {}) {
  auto text = Try(source, vars, options);
  EXPECT_FALSE(text.ok()) << source << " rendered " << (text.ok() ? *text : "");
  return text.ok() ? Status::Ok() : text.status();
}

Variables Messages(const char* json) {
  return {{"messages", FromJson(nlohmann::ordered_json::parse(json))}};
}

TEST(JinjaWhitespace, BlockTagsTakeTheirLineWithThem) {
  EXPECT_EQ(Render("a\n  {% if true %}\n  b\n  {% endif %}\nc\n"), "a\n  b\nc");
  EXPECT_EQ(Render("x\n    {# comment #}\ny"), "x\ny");
  EXPECT_EQ(Render("   {{ 'a' }}\n   {% set x = 1 %}\n   {{ x }}"), "   a\n   1");
}

TEST(JinjaWhitespace, SpacesBeforeABlockTagMidLineStay) {
  EXPECT_EQ(Render("a  {% if true %}  b  {% endif %}  c"), "a    b    c");
}

TEST(JinjaWhitespace, MinusStripsAndPlusKeeps) {
  EXPECT_EQ(Render("x {{- ' y ' -}} z"), "x y z");
  EXPECT_EQ(Render("{%- for i in range(2) -%}\n  {{ i }}\n{%- endfor -%}"), "01");
  EXPECT_EQ(Render("x\n{%+ if true %}y{% endif +%}\nz"), "x\ny\nz");
}

TEST(JinjaWhitespace, ExpressionTagsKeepTheNewlineAfterThem) {
  EXPECT_EQ(Render("{{ 'a' }}\n{{ 'b' }}\n"), "a\nb");
  EXPECT_EQ(Render("{% for i in range(2) %}\n  {{ i }}\n{% endfor %}"), "  0\n  1\n");
}

TEST(JinjaWhitespace, LineEndingsAreNormalisedAndOneTrailingNewlineDropped) {
  EXPECT_EQ(Render("a\r\nb\r\n{% if 1 %}\r\nc{% endif %}\n\n"), "a\nb\nc");
}

TEST(JinjaWhitespace, RawBlocksAreNotInterpreted) {
  EXPECT_EQ(Render("{% raw %}{{ a }}{% endraw %}\n{{ 1 }}"), "{{ a }}1");
  EXPECT_EQ(Render("  {%- raw -%}  {{ a }}  {%- endraw -%}  x"), "{{ a }}x");
}

TEST(JinjaExpressions, ArithmeticFollowsPython) {
  EXPECT_EQ(Render("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % -3 }} {{ 2 ** 10 }} "
                   "{{ 7 / 2 }} {{ 4 / 2 }}"),
            "7 3 -4 -2 1024 3.5 2.0");
  EXPECT_EQ(Render("{{ (1 + 2) * 3 }} {{ -2 ** 2 }} {{ - 3 | abs }}"), "9 4 3");
  EXPECT_EQ(Render("{{ [1] + [2] }} {{ 'ab' * 3 }} {{ 2 * [0] }}"), "[1, 2] ababab [0, 0]");
}

TEST(JinjaExpressions, ValuesPrintAsPythonStrDoes) {
  EXPECT_EQ(Render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 10 ** -2 }} "
                   "{{ 123456789.0 * 1000000000 }}"),
            "1.0 0.30000000000000004 1e+20 1.5e-07 0.01 1.23456789e+17");
  EXPECT_EQ(Render("{{ 1e16 }} {{ 0.0001 }} {{ 0.00001 }} {{ -0.0 }} {{ 1/3 }}"),
            "1e+16 0.0001 1e-05 -0.0 0.3333333333333333");
  EXPECT_EQ(Render("{{ 'a' ~ 1 ~ none ~ true }} {{ [1, 'a', none, true, 1.5] }} "
                   "{{ {'a': 1, 'b': [2]} }} {{ (1,) }} {{ (1, 2) }}"),
            "a1NoneTrue [1, 'a', None, True, 1.5] {'a': 1, 'b': [2]} (1,) (1, 2)");
  EXPECT_EQ(Render("{{ ['it\\'s', \"q\\\"\"] }}"), "[\"it's\", 'q\"']");
  EXPECT_EQ(Render("{{ true }} {{ None }} {{ 1_000 }} {{ 'a' 'b' }}"), "True None 1000 ab");
}

TEST(JinjaExpressions, ConditionsComparisonsAndMembership) {
  EXPECT_EQ(Render("{{ 1 if false }}|{{ 'x' if 0 else 'y' if 1 else 'z' }}"), "|y");
  EXPECT_EQ(Render("{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' in 'cat' }} {{ 1 not in [1] }} "
                   "{{ 'k' in {'k': 1} }}"),
            "True False True False True");
  EXPECT_EQ(Render("{{ not 1 == 2 }} {{ 1 and 'x' }} {{ 0 or '' or 'z' }} {{ none or 0 }}"),
            "True x z 0");
  EXPECT_EQ(Render("{{ {'a':1} == {'a':1} }} {{ [1] == [1.0] }} {{ 1 == true }} {{ x == x }}"),
            "True True True True");
}

TEST(JinjaExpressions, SlicesAndIndexesCountCodePoints) {
  EXPECT_EQ(Render("{{ [1,2,3][1:] }} {{ [1,2,3][::-1] }} {{ 'héllo'[1:3] }} {{ 'abc'[-1] }} "
                   "{{ 'abcdef'[::2] }} {{ [1,2][5] }}|"),
            "[2, 3] [3, 2, 1] él c ace |");
  EXPECT_EQ(Render("{{ 'héllo' | length }} {{ 'héllo'.find('l') }}"), "5 2");
}

TEST(JinjaUndefined, PrintsNothingAndIsFalseButCannotBeUsedFurther) {
  EXPECT_EQ(Render("[{{ x }}]{{ x is defined }}{{ x | length }}{% for i in x %}no{% endfor %}"
                   "{% if not x %}F{% endif %}{{ loop }}"),
            "[]False0F");
  EXPECT_EQ(Render("{{ none.x }}|{{ {'a':1}.b }}|{{ [1][3] }}|{{ x | default('d') }}"), "|||d");
  EXPECT_NE(Fails("{{ x.y }}").message().find("'x' is undefined"), std::string::npos);
  EXPECT_NE(Fails("{{ x + 1 }}").message().find("'x' is undefined"), std::string::npos);
  EXPECT_NE(Fails("{{ x | tojson }}").message().find("not JSON serializable"), std::string::npos);
}

TEST(JinjaTests, MatchJinja2) {
  EXPECT_EQ(Render("{{ 'x' is string }} {{ 1 is number }} {{ true is number }} {{ 1 is integer }}"
                   " {{ true is integer }} {{ 1.0 is float }} {{ {} is mapping }} "
                   "{{ 'a' is iterable }} {{ none is iterable }} {{ x is iterable }} "
                   "{{ [] is sequence }}"),
            "True True True True False True True True False True True");
  EXPECT_EQ(Render("{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} "
                   "{{ 9 is divisibleby(4) }} {{ 1 is in [1,2] }} {{ 'a' is equalto 'a' }} "
                   "{{ none is none }} {{ 1 is true }} {{ false is false }} "
                   "{{ range is callable }} {{ x is not defined }} {{ 1 is not none }}"),
            "True True True False True True True False True True True True");
  EXPECT_EQ(Render("{{ x is sameas false }} {{ false is sameas false }} {{ 0 is sameas false }}"),
            "False True False");
}

TEST(JinjaFilters, StringFilters) {
  EXPECT_EQ(Render("{{ '  a b  ' | trim }}|{{ 'xxaxx' | trim('x') }}|{{ 'ab' | upper }}|"
                   "{{ 'hello WORLD' | capitalize }}|{{ 'hello wORLD-foo (bar)' | title }}"),
            "a b|a|AB|Hello world|Hello World-Foo (Bar)");
  EXPECT_EQ(Render("{{ 'aaa' | replace('a', 'b', 2) }} {{ 'ab' | replace('', '-') }}"),
            "bba -a-b-");
  EXPECT_EQ(Render("{{ 'a\\nb\\n\\nc' | indent }}|{{ 'a\\nb' | indent(2, true) }}|"
                   "{{ 'a\\n\\nb' | indent(2, blank=true) }}|{{ 'a\\nb\\n' | indent('> ') }}|"),
            "a\n    b\n\n    c|  a\n  b|a\n  \n  b|a\n> b\n|");
  EXPECT_EQ(Render("{{ 'one two  three' | wordcount }}"), "3");
}

TEST(JinjaFilters, CaseChangesCoverLatinGreekAndCyrillic) {
  EXPECT_EQ(Render("{{ 'héllo wörld' | upper }} {{ 'héllo' | title }} {{ 'ÉCOLE' | lower }} "
                   "{{ 'ΣΟΦΊΑ' | lower }} {{ 'привет мир' | title }} {{ 'łódź' | upper }}"),
            "HÉLLO WÖRLD Héllo école σοφία Привет Мир ŁÓDŹ");
}

TEST(JinjaFilters, FormattingFilters) {
  EXPECT_EQ(Render("{{ [1,2,3] | batch(2) | list }} {{ '%s-%d' | format('a', 3) }} "
                   "{{ 'abc' | center(9) }}| {{ 'hello world foo' | truncate(9) }}"),
            "[[1, 2], [3]] a-3    abc   | hello...");
}

TEST(JinjaFilters, ConversionsAndDefaults) {
  EXPECT_EQ(Render("{{ 1 | string }} {{ none | string }} {{ [1] | string }} {{ '12' | int + 1 }}"
                   " {{ '1.9' | int }} {{ 'x' | int }} {{ 'x' | int(5) }} {{ 2.7 | int }} "
                   "{{ '2.5' | float }} {{ 'q' | float }} {{ 3 | float }}"),
            "1 None [1] 13 1 0 5 2 2.5 0.0 3.0");
  EXPECT_EQ(Render("{{ x | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }}"
                   " {{ none | d('e') }} {{ x | d }}|"),
            "d  d None |");
  EXPECT_EQ(Render("{{ -3 | abs }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.567 | round(2) }} "
                   "{{ 2.1 | round(0, 'ceil') }}"),
            "3 2.0 4.0 2.57 3.0");
}

TEST(JinjaFilters, SequenceFilters) {
  EXPECT_EQ(Render("{{ [1,2,3] | length }} {{ {'a':1} | count }} {{ [3,1,2] | first }} "
                   "{{ [3,1,2] | last }} {{ 'abc' | first }} {{ [] | first }}|"),
            "3 1 3 2 a |");
  EXPECT_EQ(Render("{{ [1,2,3] | join(', ') }} {{ [{'n':'a'},{'n':'b'}] | join('-', "
                   "attribute='n') }}"),
            "1, 2, 3 a-b");
  EXPECT_EQ(Render("{{ 'abc' | list }} {{ {'a':1,'b':2} | items | list }} {{ x | items | list }}"),
            "['a', 'b', 'c'] [('a', 1), ('b', 2)] []");
  EXPECT_EQ(Render("{{ [{'a':1},{}] | map(attribute='a', default=0) | list }} "
                   "{{ ['a','b'] | map('upper') | join }}"),
            "[1, 0] AB");
  EXPECT_EQ(Render("{{ [1,2,3,4] | select('odd') | list }} {{ [1,2,3,4] | reject('odd') | list }}"
                   " {{ [0,1,''] | select | list }} {{ [1,2,3] | select('greaterthan', 1) | list }}"),
            "[1, 3] [2, 4] [1] [2, 3]");
  EXPECT_EQ(Render("{{ messages | selectattr('role', 'equalto', 'user') | map(attribute="
                   "'content') | list }} {{ messages | rejectattr('x') | list | length }}",
                   Messages(R"([{"role":"user","content":"a"},{"role":"x","content":"b","x":1}])")),
            "['a'] 1");
  EXPECT_EQ(Render("{{ ['a','A','b','a'] | unique | list }} {{ [3,1,2] | reverse | list }} "
                   "{{ 'abc' | reverse }}"),
            "['a', 'b'] [2, 1, 3] cba");
  EXPECT_EQ(Render("{{ ['b','A','c'] | sort }} {{ [3,1,2] | sort(reverse=true) }} "
                   "{{ [{'a':2},{'a':1}] | sort(attribute='a') }} {{ {'b':1,'a':2} | dictsort }}"),
            "['A', 'b', 'c'] [3, 2, 1] [{'a': 1}, {'a': 2}] [('a', 2), ('b', 1)]");
  EXPECT_EQ(Render("{{ [1,2,3] | sum }} {{ [3,1,2] | min }} {{ [3,1,2] | max }}"), "6 1 3");
}

TEST(JinjaFilters, ToJsonWritesPythonJsonDumpsWithoutAsciiEscapes) {
  EXPECT_EQ(Render("{{ {'a': 'é', 'b': [1, 2.5, none, true], 'c': {}} | tojson }}"),
            "{\"a\": \"é\", \"b\": [1, 2.5, null, true], \"c\": {}}");
  EXPECT_EQ(Render("{{ {'a': 'é', 'b': [1, none], 'c': {}, 'd': []} | tojson(indent=2) }}"),
            "{\n  \"a\": \"é\",\n  \"b\": [\n    1,\n    null\n  ],\n  \"c\": {},\n  \"d\": []\n}");
  EXPECT_EQ(Render("{{ 'a\"b\\\\c\\n\\t\\u0001' | tojson }} {{ {'z': 1, 'a': 2} | "
                   "tojson(sort_keys=true) }}"),
            "\"a\\\"b\\\\c\\n\\t\\u0001\" {\"a\": 2, \"z\": 1}");
}

TEST(JinjaMethods, StrAndDictMethods) {
  EXPECT_EQ(Render("{{ 'xxaxx'.strip('x') }}|{{ '  a  '.lstrip() }}|{{ '  a  '.rstrip() }}|"
                   "{{ '\\n\\na\\n'.lstrip('\\n') }}"),
            "a|a  |  a|a\n");
  EXPECT_EQ(Render("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }}"),
            "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b,c']");
  EXPECT_EQ(Render("{{ 'abc'.endswith(('x','c')) }} {{ 'aXa'.replace('a','b') }} "
                   "{{ 'hello world'.title() }} {{ 'aaa'.count('a') }} {{ '-'.join(['a','b']) }} "
                   "{{ '{} and {}'.format(1, 'b') }} {{ '{x}!'.format(x=2) }}"),
            "True bXb Hello World 3 a-b 1 and b 2!");
  EXPECT_EQ(Render("{% set d = {'a': 1, 'b': 2} %}{{ d.items() | list }} {{ d.keys() | list }} "
                   "{{ d.values() | list }} {{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 3) }}"
                   " {% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}"),
            "[('a', 1), ('b', 2)] ['a', 'b'] [1, 2] 1 None 3 a=1;b=2;");
  EXPECT_EQ(Render("{% set d = {'items': 5} %}{{ d['items'] }} {{ d.items is callable }}"),
            "5 True");
}

TEST(JinjaMethods, NothingMutatesAValue) {
  EXPECT_FALSE(Try("{% set x = [1,2] %}{{ x.append(3) }}").ok());
  EXPECT_FALSE(Try("{% set d = {} %}{{ d.update({'a': 1}) }}").ok());
}

TEST(JinjaLoops, LoopVariables) {
  EXPECT_EQ(Render("{% for x in [1,2,3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}"
                   "{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}|"
                   "{% endfor %}"),
            "1032TrueFalse3|2121FalseFalse3|3210FalseTrue3|");
  EXPECT_EQ(Render("{% for x in [1,2,3] %}{{ loop.previtem }}-{{ loop.nextitem }}-"
                   "{{ loop.cycle('a','b') }};{% endfor %}"),
            "-2-a;1-3-b;2--a;");
}

TEST(JinjaLoops, FilterElseBreakContinueAndUnpacking) {
  EXPECT_EQ(Render("{% for x in [1,2,3,4] if x is even %}{{ x }}{{ loop.index }}{{ loop.last }};"
                   "{% endfor %}"),
            "21False;42True;");
  EXPECT_EQ(Render("{% for x in [] %}a{% else %}empty{% endfor %}|"
                   "{% for x in [1] %}a{% else %}empty{% endfor %}"),
            "empty|a");
  EXPECT_EQ(Render("{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}"
                   "{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
            "13");
  EXPECT_EQ(Render("{% for a, b in [[1,2],[3,4]] %}{{ a }}{{ b }}{% endfor %}"), "1234");
  EXPECT_EQ(Render("{% for k in {'b':1,'a':2} %}{{ k }}{% endfor %}"), "ba");
}

TEST(JinjaScopes, LoopAssignmentsStayInTheIterationButNamespacesCarry) {
  EXPECT_EQ(Render("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}"),
            "21");
  EXPECT_EQ(Render("{% for i in [1,2] %}{% if i == 1 %}{% set y = 'a' %}{% endif %}{{ y }};"
                   "{% endfor %}"),
            "a;;");
  EXPECT_EQ(Render("{% set ns = namespace(a=1) %}{% for i in [1,2] %}{% set ns.a = ns.a + i %}"
                   "{% endfor %}{{ ns.a }}"),
            "4");
  EXPECT_EQ(Render("{% set a, b = 1, 2 %}{{ a }}{{ b }}"), "12");
  EXPECT_NE(Fails("{% set s = 'x' %}{% set s.y = 1 %}").message().find(
                "cannot assign attribute on non-namespace object"),
            std::string::npos);
  EXPECT_EQ(Render("{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, a=3) }}"),
            "(1, 2){'a': 3}");
}

TEST(JinjaBlocks, SetBlocksMacrosCallsAndFilters) {
  EXPECT_EQ(Render("{% set x %}  block {{ 1 }} {% endset %}[{{ x }}]"), "[  block 1 ]");
  EXPECT_EQ(Render("{% set x | upper %}abc{% endset %}{{ x }}"), "ABC");
  EXPECT_EQ(Render("{% macro m(a, b='B', c=none) %}[{{ a }}{{ b }}{{ c }}]{% endmacro %}"
                   "{{ m(1) }}{{ m(1, 2) }}{{ m(1, c=3) }}"),
            "[1BNone][12None][1B3]");
  EXPECT_EQ(Render("{% macro m(x) %}<{{ caller() }}{{ x }}>{% endmacro %}"
                   "{% call m(1) %}body{% endcall %}"),
            "<body1>");
  EXPECT_EQ(Render("{% macro outer() %}{{ inner() }}{% endmacro %}"
                   "{% macro inner() %}in{% endmacro %}{{ outer() }}"),
            "in");
  EXPECT_EQ(Render("{% filter upper %}abc {{ 'd' }}{% endfilter %}"), "ABC D");
  EXPECT_EQ(Render("{% if false %}a{% elif 0 %}b{% elif 1 %}c{% else %}d{% endif %}"), "c");
  EXPECT_EQ(Render("{% generation %}gen{% endgeneration %}"), "gen");
}

TEST(JinjaGlobals, RangeDictAndNamespace) {
  EXPECT_EQ(Render("{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(3, 0, -1) | list }}"),
            "[0, 1, 2] [1, 3, 5] [3, 2, 1]");
  EXPECT_EQ(Render("{{ dict(a=1) }} {{ namespace(a=1).a }}"), "{'a': 1} 1");
}

TEST(JinjaGlobals, StrftimeNowReadsOnlyTheGivenClock) {
  EXPECT_EQ(Render("{{ strftime_now is defined }}"), "False");
  RenderOptions options;
  options.clock = [] {
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 11;
    tm.tm_mday = 3;
    tm.tm_wday = 4;
    return tm;
  };
  auto text = Try("{{ strftime_now('%d %b %Y, %A %B') }}", {}, options);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "03 Dec 2026, Thursday December");
}

TEST(JinjaErrors, RaiseExceptionGivesTheTemplatesOwnMessage) {
  const Status s = Fails("line one\n{{ raise_exception('Roles must alternate') }}");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Roles must alternate");
}

TEST(JinjaErrors, PythonTypeErrorsAreRefusedWithPythonsWordsAndTheLine) {
  const Variables vars = Messages(R"([{"role": "assistant", "content": null}])");
  Status s = Fails("a\n\n{{ 'x' + messages[0].content }}", vars);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "template error at line 3: can only concatenate str (not \"NoneType\") to str");
  s = Fails("{% if '</think>' in messages[0].content %}{% endif %}", vars);
  EXPECT_EQ(s.message(), "template error at line 1: argument of type 'NoneType' is not iterable");
  EXPECT_NE(Fails("{{ 1 + 'a' }}").message().find("unsupported operand type(s) for +: 'int' and "
                                                  "'str'"),
            std::string::npos);
  EXPECT_NE(Fails("{% for x in none %}{% endfor %}").message().find("'NoneType' object is not "
                                                                    "iterable"),
            std::string::npos);
  EXPECT_NE(Fails("{{ 1 < 'a' }}").message().find("'<' not supported"), std::string::npos);
  EXPECT_NE(Fails("{{ 5 // 0 }}").message().find("division or modulo by zero"), std::string::npos);
}

TEST(JinjaErrors, SyntaxErrorsNameTheLine) {
  auto t = Template::Parse("ok\n{% if x %}\n{{ x }\n{% endif %}");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("line 3"), std::string::npos) << t.status().message();
  EXPECT_NE(Template::Parse("{% for x in y %}").status().message().find("endfor"),
            std::string::npos);
  EXPECT_TRUE(Template::Parse("{{ 'a' | nosuchfilter }}x").ok());  // found when rendering
  EXPECT_NE(Fails("{{ 'a' | nosuchfilter }}").message().find("no filter named 'nosuchfilter'"),
            std::string::npos);
}

TEST(JinjaSandbox, FileStatementsAreRefused) {
  for (const char* source : {"{% include 'x' %}", "{% import 'x' as y %}", "{% extends 'x' %}"}) {
    auto t = Template::Parse(source);
    ASSERT_FALSE(t.ok()) << source;
    EXPECT_NE(t.status().message().find("not available"), std::string::npos) << source;
  }
}

TEST(JinjaLimits, AnEndlessLoopStopsAtTheStepBudget) {
  RenderOptions options;
  options.max_steps = 10000;
  const Status s = Fails("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}"
                         "{% endfor %}",
                         {}, options);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
}

TEST(JinjaLimits, OutputIsBounded) {
  RenderOptions options;
  options.max_output_bytes = 1000;
  EXPECT_EQ(Fails("{% for i in range(100) %}{{ 'x' * 20 }}{% endfor %}", {}, options).code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(Fails("{{ 'x' * 100000 }}", {}, options).code(), StatusCode::kResourceExhausted);
}

TEST(JinjaLimits, RecursionAndNestingAreBounded) {
  EXPECT_EQ(Fails("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").code(),
            StatusCode::kResourceExhausted);
  const std::string deep = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  auto t = Template::Parse(deep);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace llm::engine::jinja
