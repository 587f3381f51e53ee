"""Workbook generation: the 绩效目标表 template and filled workbooks (xlsxwriter)."""
