Attribute VB_Name = "XgHost"
' xlgoals: Excel's object model, for the button protocol's client (XgClient). Every call the client
' makes into Excel is one of these small functions, so the client itself can run (and be tested) on
' any Basic: the tests replace this module with a recording double and run XgClient in LibreOffice.
' ASCII only; all user-facing text comes from the service or from XgStrings (XgText).
Option Explicit

Private Const XL_NONE As Long = -4142
Private Const XL_SHEET_VISIBLE As Long = -1

Public Function XgHostBook() As Object
    Set XgHostBook = ActiveWorkbook
End Function

Public Function XgHostSheetCount(wb As Object) As Long
    XgHostSheetCount = wb.Worksheets.Count
End Function

Public Function XgHostSheetName(wb As Object, index As Long) As String
    XgHostSheetName = wb.Worksheets(index).Name
End Function

Public Function XgHostSheetHidden(wb As Object, index As Long) As Boolean
    XgHostSheetHidden = (wb.Worksheets(index).Visible <> XL_SHEET_VISIBLE)
End Function

' The used range of a sheet: its values (.Value, so a date is a Date), first row and first column.
Public Function XgHostUsedValues(wb As Object, index As Long, top As Long, left As Long) As Variant
    Dim rng As Object
    Set rng = wb.Worksheets(index).UsedRange
    top = rng.Row
    left = rng.Column
    XgHostUsedValues = rng.Value
End Function

Public Function XgHostIsProtected(wb As Object, sheet As String) As Boolean
    XgHostIsProtected = wb.Worksheets(sheet).ProtectContents
End Function

Public Sub XgHostUnprotect(wb As Object, sheet As String)
    wb.Worksheets(sheet).Unprotect
End Sub

' "allowed" lists, comma-separated, the protection options the user keeps (the layout's names).
Public Sub XgHostProtect(wb As Object, sheet As String, allowed As String)
    Dim a As String
    a = "," & allowed & ","
    With wb.Worksheets(sheet)
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
            .EnableSelection = 0 ' xlNoRestrictions
        ElseIf InStr(a, ",select_unlocked_cells,") > 0 Then
            .EnableSelection = 1 ' xlUnlockedCells
        Else
            .EnableSelection = XL_NONE ' xlNoSelection
        End If
    End With
End Sub

' color: "RRGGBB", or "" for no fill. Excel's colour is R + 256 G + 65536 B.
Public Sub XgHostFill(wb As Object, sheet As String, cells As String, color As String)
    If color = "" Then
        wb.Worksheets(sheet).Range(cells).Interior.ColorIndex = XL_NONE
    Else
        wb.Worksheets(sheet).Range(cells).Interior.Color = RGB(CLng("&H" & Mid$(color, 1, 2)), _
            CLng("&H" & Mid$(color, 3, 2)), CLng("&H" & Mid$(color, 5, 2)))
    End If
End Sub

' A cell's note: the old one removed first (Excel refuses a second), none when text is "".
Public Sub XgHostNote(wb As Object, sheet As String, cell As String, text As String)
    Dim rng As Object
    Set rng = wb.Worksheets(sheet).Range(cell)
    If Not rng.Comment Is Nothing Then rng.Comment.Delete
    If text <> "" Then rng.AddComment text
End Sub

' Values and links (ClearContents keeps a cell's link); formats stay.
Public Sub XgHostClear(wb As Object, sheet As String, cells As String)
    Dim rng As Object
    Set rng = wb.Worksheets(sheet).Range(cells)
    rng.ClearContents
    rng.Hyperlinks.Delete
End Sub

' A block of values from the cell "cell" on, in one call (text carries Excel's text prefix).
Public Sub XgHostValues(wb As Object, sheet As String, cell As String, values As Variant, _
                        nrows As Long, ncols As Long)
    wb.Worksheets(sheet).Range(cell).Resize(nrows, ncols).Value = values
End Sub

Public Sub XgHostFormula(wb As Object, sheet As String, cell As String, formula As String)
    wb.Worksheets(sheet).Range(cell).Formula = formula
End Sub

Public Sub XgHostLink(wb As Object, sheet As String, cell As String, target As String, text As String)
    With wb.Worksheets(sheet)
        .Hyperlinks.Add Anchor:=.Range(cell), Address:="", SubAddress:=target, TextToDisplay:=text
    End With
End Sub

' After the named sheet: never where the active sheet happens to be.
Public Sub XgHostAddSheet(wb As Object, name As String, after As String)
    Dim ws As Object
    Set ws = wb.Worksheets.Add(After:=wb.Worksheets(after))
    ws.Name = name
End Sub

Public Sub XgHostCopySheet(wb As Object, sheet As String, name As String, after As String)
    wb.Worksheets(sheet).Copy After:=wb.Worksheets(after)
    wb.Worksheets(wb.Worksheets(after).Index + 1).Name = name
End Sub

Public Sub XgHostInsertRows(wb As Object, sheet As String, row As Long, count As Long)
    wb.Worksheets(sheet).Rows(row).Resize(count).Insert
End Sub

' The service's answer to a press, or "" when it cannot be reached (status 0).
Public Function XgHostPost(url As String, body As String, status As Long) As String
    Dim http As Object
    On Error GoTo Unreachable
    Set http = CreateObject("MSXML2.ServerXMLHTTP.6.0")
    http.setTimeouts 10000, 10000, 60000, 300000
    http.Open "POST", url, False
    http.setRequestHeader "Content-Type", "text/plain; charset=utf-8"
    http.send body
    status = http.Status
    XgHostPost = http.responseText
    Exit Function
Unreachable:
    status = 0
    XgHostPost = ""
End Function

Public Sub XgHostSay(message As String, title As String)
    MsgBox message, vbInformation, title
End Sub

Public Sub XgHostScreen(updating As Boolean)
    Application.ScreenUpdating = updating
End Sub
