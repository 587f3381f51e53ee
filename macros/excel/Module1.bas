Attribute VB_Name = "Module1"
#Const App = "Microsoft Excel"
' xlgoals: the template's buttons. Keep this file ASCII-only; all user-facing text lives in Python,
' in the service's answers, or in XgStrings.
' Each button runs one parameterless Sub (RunPython with arguments cannot be bound to a form button).
' Where the xlwings.conf sheet names an xlgoals service (XLGOALS_SERVICE_URL), the button asks the
' service (XgClient: the xlgoals button protocol; the PC needs neither Python nor xlwings).
' Otherwise it runs the local Python (RunPython, xlwings).

Sub XlGoalsValidate()
    XgRun "validate", "validate_button"
End Sub

Sub XlGoalsTotals()
    XgRun "totals", "totals_button"
End Sub

Sub XlGoalsExport()
    XgRun "export", "export_button"
End Sub

Sub XlGoalsNewProject()
    XgRun "new_project", "new_project_button"
End Sub

Private Sub XgRun(action As String, button As String)
    Dim url As String
    url = GetConfig("XLGOALS_SERVICE_URL", "")
    If url <> "" Then
        XgServicePress action, url, GetConfig("XLGOALS_TOKEN", "")
    Else
        RunPython "import xlgoals.excel.buttons as m; m." & button & "()"
    End If
End Sub
