Attribute VB_Name = "Module1"
#Const App = "Microsoft Excel"
' xlgoals: the template's buttons. Keep this file ASCII-only; all user-facing text lives in Python.
' Each button runs one parameterless Sub (RunPython with arguments cannot be bound to a form button).
' Where the xlwings.conf sheet names an xlgoals service (XLGOALS_SERVICE_URL), the button asks the
' service through xlwings' VBA client (RunServerPython): the PC needs neither Python nor xlwings.
' Otherwise it runs the local Python (RunPython), as before.

Sub XlGoalsValidate()
    XgRun "xg_validate", "validate_button"
End Sub

Sub XlGoalsTotals()
    XgRun "xg_totals", "totals_button"
End Sub

Sub XlGoalsExport()
    XgRun "xg_export", "export_button"
End Sub

Sub XlGoalsNewProject()
    XgRun "xg_new_project", "new_project_button"
End Sub

Private Sub XgRun(script As String, button As String)
    Dim url As String
    url = GetConfig("XLGOALS_SERVICE_URL", "")
    If url <> "" Then
        If Right(url, 1) = "/" Then url = Left(url, Len(url) - 1)
        RunServerPython url & "/xlwings/custom-scripts-call/" & script, auth:=GetConfig("XLGOALS_TOKEN", "")
    Else
        RunPython "import xlgoals.excel.buttons as m; m." & button & "()"
    End If
End Sub

' Sheet protection for actions that come back from a remote xlgoals (RunRemotePython, the service):
' the action list brackets each write to a protected sheet with these two macros (runMacro passes
' the workbook first). "allowed" lists, comma-separated, the xlsxwriter option names the user keeps
' (from xlgoals' layout); contents and drawing objects are always protected.
Sub XgUnprotect(wb As Workbook, sheetName As String)
    wb.Worksheets(sheetName).Unprotect
End Sub

Sub XgProtect(wb As Workbook, sheetName As String, allowed As String)
    Dim a As String
    a = "," & allowed & ","
    With wb.Worksheets(sheetName)
        .Protect DrawingObjects:=(InStr(a, ",objects,") = 0), Contents:=True, _
            Scenarios:=(InStr(a, ",scenarios,") = 0), _
            AllowFormattingCells:=(InStr(a, ",format_cells,") > 0), _
            AllowFormattingColumns:=(InStr(a, ",format_columns,") > 0), _
            AllowFormattingRows:=(InStr(a, ",format_rows,") > 0), _
            AllowInsertingColumns:=(InStr(a, ",insert_columns,") > 0), _
            AllowInsertingRows:=(InStr(a, ",insert_rows,") > 0), _
            AllowInsertingHyperlinks:=(InStr(a, ",insert_hyperlinks,") > 0), _
            AllowDeletingColumns:=(InStr(a, ",delete_columns,") > 0), _
            AllowDeletingRows:=(InStr(a, ",delete_rows,") > 0), _
            AllowSorting:=(InStr(a, ",sort,") > 0), _
            AllowFiltering:=(InStr(a, ",autofilter,") > 0), _
            AllowUsingPivotTables:=(InStr(a, ",pivot_tables,") > 0)
        If InStr(a, ",select_locked_cells,") > 0 Then
            .EnableSelection = xlNoRestrictions
        ElseIf InStr(a, ",select_unlocked_cells,") > 0 Then
            .EnableSelection = xlUnlockedCells
        Else
            .EnableSelection = xlNoSelection
        End If
    End With
End Sub
