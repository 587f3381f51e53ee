"""One module per subcommand of ``xlgoals``, each with ``run(args) -> exit code``. The command line
(``xlgoals.cli``) imports only the one it runs, so ``xlgoals --version`` or ``xlgoals rules CODE``
never loads the spreadsheet libraries, the Word writer or the web service."""
