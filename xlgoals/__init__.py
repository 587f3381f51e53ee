"""xlgoals: a spreadsheet-native toolkit for the budget performance-goal table (绩效目标表)."""

__version__ = "0.1.0"
