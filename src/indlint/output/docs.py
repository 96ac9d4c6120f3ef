"""Render rule documentation from the rule files (indlint explain, docs/rules.md)."""
from __future__ import annotations

from typing import Iterable

from indlint.judge.rules import Rule


def example_text(row: dict) -> str:
    """One rule example on one line (the cells of a row, or a note for a whole form)."""
    if "indicators" in row:
        return f"（整表示例，{len(row['indicators'])} 项指标）"
    cells = [str(row.get(k, "")) for k in ("l1", "l2", "name", "target") if k in row]
    extra = [f"{k}={row[k]}" for k in row if k not in ("l1", "l2", "name", "target")]
    return " | ".join(cells) + (f"  ({', '.join(extra)})" if extra else "")


def explain_rule(rule: Rule) -> str:
    """Plain-text explanation of one rule (summary, rationale, source, tested examples)."""
    lines = [f"{rule.id} {rule.name}  [{rule.severity.value}]  类别：{rule.category}",
             "", rule.summary, "", f"理由：{rule.rationale.strip()}", f"依据：{rule.source.strip()}"]
    if rule.grounds:
        lines.append(f"内部说明：{' '.join(rule.grounds.split())}")
    lines += ["", "不通过的例子："]
    lines += [f"  ✗ {example_text(r)}" for r in rule.examples.get("fail", [])]
    if rule.examples.get("pass"):
        lines += ["通过的例子："] + [f"  ✓ {example_text(r)}" for r in rule.examples["pass"]]
    return "\n".join(lines)


def rules_markdown(rules: Iterable[Rule]) -> str:
    """The generated docs/rules.md."""
    out = ["# indlint 规则一览", "",
           "本文件由 `python -m indlint.docs` 从 `rules/` 生成，请勿手工编辑。", "",
           "| 编号 | 名称 | 类别 | 级别 | 摘要 |", "|---|---|---|---|---|"]
    rules = sorted(rules, key=lambda r: r.id)
    out += [f"| [{r.id}](#{r.id.lower()}) | {r.name} | `{r.category}` | {r.severity.value} | {r.summary} |"
            for r in rules]
    for r in rules:
        out += ["", f"## {r.id}", "", f"**{r.name}** · `{r.category}` · {r.severity.value}"
                + (f" · 仅在 profile {', '.join(r.profiles)} 中启用" if r.profiles else ""), "",
                r.summary, "", f"- 理由：{' '.join(r.rationale.split())}",
                f"- 依据：{' '.join(r.source.split())}"]
        if r.grounds:
            out.append(f"- 内部说明：{' '.join(r.grounds.split())}")
        out += ["", "不通过："]
        out += [f"- `{example_text(x)}`" for x in r.examples.get("fail", [])]
        if r.examples.get("pass"):
            out += ["", "通过："] + [f"- `{example_text(x)}`" for x in r.examples["pass"]]
    return "\n".join(out) + "\n"


def main() -> None:
    """Write docs/rules.md to standard output."""
    from indlint.values.lexicons import load_lexicons
    from indlint.judge.rules import load_rules

    print(rules_markdown(load_rules(load_lexicons()).rules.values()), end="")


if __name__ == "__main__":
    main()


def bases_of(rules: Iterable[Rule]) -> dict[str, str]:
    """Rule id → its public basis (``source:``) on one line, as the report and workbook cite it."""
    return {r.id: " ".join(r.source.split()) for r in rules}
