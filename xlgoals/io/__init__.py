"""Grid adapters: a workbook's cell values as plain Python, whatever library read them."""
