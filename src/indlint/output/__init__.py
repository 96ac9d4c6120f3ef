"""Output: findings rendered for people and machines (text, JSON, SARIF, JUnit, HTML, workbooks)."""
