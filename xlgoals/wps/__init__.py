"""The WPS 加载项 (JS add-in for WPS 表格): a client of ``xlgoals serve`` with the template's buttons."""
