"""The exit codes every command shares, and how the help text explains them."""

from __future__ import annotations

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_CODES = """退出码（所有命令相同）：
  0  全部读取，没有发现错误
  1  发现错误（报告中级别为“错误”的问题）
  2  有文件无法读取、输入或输出有问题（报告或提示中写明原因；其余文件照常检查）
  3  xlgoals 内部错误（不应出现；详细信息写入日志，见提示）"""
