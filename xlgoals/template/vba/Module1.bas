Attribute VB_Name = "Module1"
#Const App = "Microsoft Excel"
' xlgoals: the template's buttons. Keep this file ASCII-only; all user-facing text lives in Python.
' Each button runs one parameterless Sub (RunPython with arguments cannot be bound to a form button).

Sub XlGoalsValidate()
    RunPython "import xlgoals.excel.buttons as m; m.validate_button()"
End Sub

Sub XlGoalsTotals()
    RunPython "import xlgoals.excel.buttons as m; m.totals_button()"
End Sub

Sub XlGoalsExport()
    RunPython "import xlgoals.excel.buttons as m; m.export_button()"
End Sub

Sub XlGoalsNewProject()
    RunPython "import xlgoals.excel.buttons as m; m.new_project_button()"
End Sub
