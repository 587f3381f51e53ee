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
