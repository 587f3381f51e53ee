"""Excel front door (xlwings): button targets and worksheet functions. Glue only — no logic here."""
