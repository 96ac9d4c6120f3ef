"""The commands for rule authors: ``rules``, ``explain`` and ``parse-value``."""
from __future__ import annotations

import json

import click

from indlint.app.console import say
from indlint.app.common import load_run_config
from indlint.app.configs import make_linter
from indlint.values.comparators import load_comparators

@click.command("parse-value")
@click.argument("text", metavar="指标值")
@click.option("--nature", default=None,
              help=f"指标性质列（{'、'.join(load_comparators().canonical)}、定量、定性）")
@click.option("--unit", default=None, help="度量单位列")
def parse_value(text, nature, unit) -> None:
    """显示一个指标值解析后的类型化结果（供规则作者调试）。"""
    from indlint.values.lexicons import load_lexicons
    from indlint.values.parse import ValueParser

    parser = ValueParser(load_lexicons().units)
    value = parser.combine(nature, text, unit) if (nature or unit) else parser.parse(text)
    click.echo(json.dumps(value.describe(), ensure_ascii=False, indent=2))


_CONFIG_HELP = "配置文件（默认从当前文件夹向上查找）"


@click.command("rules")
@click.option("--profile", default=None, help="规则预设（默认取配置文件，否则 default）")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="文件",
              help=_CONFIG_HELP)
@click.option("--isolated", is_flag=True, help="不使用任何配置文件")
def list_rules(profile, config_path, isolated) -> None:
    """列出规则（编号、级别、类别、摘要），含配置文件 rule-paths 中的自定义规则。"""
    linter = make_linter(load_run_config(config_path, isolated), profile, (), ())
    for rule in sorted(linter.rules, key=lambda r: r.id):
        say(f"{rule.id}  {rule.severity.value:<7}  {rule.category:<34} {rule.summary}")


@click.command()
@click.argument("rule_id", metavar="规则编号")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="文件",
              help=_CONFIG_HELP)
@click.option("--isolated", is_flag=True, help="不使用任何配置文件")
def explain(rule_id, config_path, isolated) -> None:
    """显示一条规则的说明、依据和示例。"""
    from indlint.output.docs import explain_rule
    from indlint.values.lexicons import load_lexicons
    from indlint.judge.rules import RuleError, load_rules

    try:
        ruleset = load_rules(load_lexicons(), load_run_config(config_path, isolated).rule_paths)
    except RuleError as err:
        raise click.UsageError(str(err)) from None
    rule = ruleset.rules.get(rule_id.upper())
    if rule is None:
        raise click.UsageError(f"没有规则 {rule_id}；用 indlint rules 查看全部规则")
    say(explain_rule(rule))
