Attribute VB_Name = "XgHost"
' A recording double of macros/excel/XgHost.bas, for running the real VBA client (XgClient) in
' LibreOffice's Basic (tests/test_vba_client.py). Reads come from the document LibreOffice opened;
' every write is recorded as one line of XgLog instead of being made, as the Python client's
' recording host records it (tests/clienthost.py), so the two can be compared line by line. As strict
' as Excel where the client could go wrong: a write to a sheet that is protected raises error 1004.
Option Explicit

Public XgLog As String
Public XgProtected As String
Public XgPostAnswer As String
Public XgPostStatus As Long
Public XgLastBody As String
Public XgStarted As Boolean

Private Sub Rec(text As String)
    XgLog = XgLog & text & vbLf
End Sub

Private Sub Start()
    Dim i As Long, s As Object
    If XgStarted Then Exit Sub
    XgStarted = True
    XgProtected = ","
    For i = 0 To ThisComponent.Sheets.Count - 1
        s = ThisComponent.Sheets.getByIndex(i)
        If s.isProtected() Then XgProtected = XgProtected & s.Name & ","
    Next i
End Sub

Private Sub Guard(sheet As String)
    Start
    If InStr(XgProtected, "," & sheet & ",") > 0 Then Err.Raise 1004, "XgHost", "protected sheet " & sheet
End Sub

Public Function XgHostBook() As Object
    Set XgHostBook = ActiveWorkbook
End Function

Public Function XgHostSheetCount(wb As Object) As Long
    XgHostSheetCount = ThisComponent.Sheets.Count
End Function

Public Function XgHostSheetName(wb As Object, index As Long) As String
    XgHostSheetName = ThisComponent.Sheets.getByIndex(index - 1).Name
End Function

Public Function XgHostSheetHidden(wb As Object, index As Long) As Boolean
    XgHostSheetHidden = Not ThisComponent.Sheets.getByIndex(index - 1).IsVisible
End Function

Public Function XgHostUsedValues(wb As Object, index As Long, top As Long, left As Long) As Variant
    Dim sheet As Object, cursor As Object, data As Variant, out As Variant, r As Long, c As Long, v As Variant
    Dim rows As Long, cols As Long
    sheet = ThisComponent.Sheets.getByIndex(index - 1)
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    rows = cursor.RangeAddress.EndRow + 1
    cols = cursor.RangeAddress.EndColumn + 1
    top = 1
    left = 1
    data = sheet.getCellRangeByPosition(0, 0, cols - 1, rows - 1).getDataArray()
    If rows = 1 And cols = 1 Then
        v = data(0)(0)
        If VarType(v) = vbString Then
            If Len(v) = 0 Then v = Empty
        End If
        XgHostUsedValues = v
        Exit Function
    End If
    ReDim out(1 To rows, 1 To cols)
    For r = 1 To rows
        For c = 1 To cols
            v = data(r - 1)(c - 1)
            If VarType(v) = vbString Then
                If Len(v) = 0 Then v = Empty
            End If
            out(r, c) = v
        Next c
    Next r
    XgHostUsedValues = out
End Function

Public Function XgHostIsProtected(wb As Object, sheet As String) As Boolean
    Start
    XgHostIsProtected = InStr(XgProtected, "," & sheet & ",") > 0
End Function

Public Sub XgHostUnprotect(wb As Object, sheet As String)
    Start
    XgProtected = Replace(XgProtected, "," & sheet & ",", ",")
    Rec "unprotect|" & sheet
End Sub

Public Sub XgHostProtect(wb As Object, sheet As String, allowed As String)
    Start
    XgProtected = XgProtected & sheet & ","
    Rec "protect|" & sheet & "|" & allowed
End Sub

Public Sub XgHostFill(wb As Object, sheet As String, cells As String, color As String)
    Guard sheet
    Rec "fill|" & sheet & "|" & cells & "|" & color
End Sub

Public Sub XgHostNote(wb As Object, sheet As String, cell As String, text As String)
    Guard sheet
    Rec "note|" & sheet & "|" & cell & "|" & XgEscape(text)
End Sub

Public Sub XgHostClear(wb As Object, sheet As String, cells As String)
    Guard sheet
    Rec "clear|" & sheet & "|" & cells
End Sub

Private Function Shown(v As Variant) As String
    Select Case VarType(v)
        Case vbEmpty: Shown = "e"
        Case vbString: Shown = "s" & XgEscape(CStr(v))
        Case vbBoolean: If v Then Shown = "b1" Else Shown = "b0"
        Case Else: Shown = "n" & Trim$(Str$(v))
    End Select
End Function

Public Sub XgHostValues(wb As Object, sheet As String, cell As String, values As Variant, _
                        nrows As Long, ncols As Long)
    Dim r As Long, c As Long, text As String
    Guard sheet
    text = "values|" & sheet & "|" & cell & "|" & CStr(nrows) & "x" & CStr(ncols)
    For r = 1 To nrows
        For c = 1 To ncols
            text = text & "|" & Shown(values(r, c))
        Next c
    Next r
    Rec text
End Sub

Public Sub XgHostFormula(wb As Object, sheet As String, cell As String, formula As String)
    Guard sheet
    Rec "formula|" & sheet & "|" & cell & "|" & XgEscape(formula)
End Sub

Public Sub XgHostLink(wb As Object, sheet As String, cell As String, target As String, text As String)
    Guard sheet
    Rec "link|" & sheet & "|" & cell & "|" & XgEscape(target) & "|" & XgEscape(text)
End Sub

Public Sub XgHostAddSheet(wb As Object, name As String, after As String)
    Rec "add_sheet|" & name & "|" & after
End Sub

Public Sub XgHostCopySheet(wb As Object, sheet As String, name As String, after As String)
    Start
    If InStr(XgProtected, "," & sheet & ",") > 0 Then XgProtected = XgProtected & name & ","
    Rec "copy_sheet|" & sheet & "|" & name & "|" & after
End Sub

Public Sub XgHostInsertRows(wb As Object, sheet As String, row As Long, count As Long)
    Guard sheet
    Rec "insert_rows|" & sheet & "|" & CStr(row) & "|" & CStr(count)
End Sub

Public Function XgHostPost(url As String, body As String, status As Long) As String
    XgLastBody = body
    Rec "post|" & url
    status = XgPostStatus
    XgHostPost = XgPostAnswer
End Function

Public Sub XgHostSay(message As String, title As String)
    Rec "say|" & XgEscape(message)
End Sub

Public Sub XgHostScreen(updating As Boolean)
End Sub

' --- the test's entry points --------------------------------------------------------------------

' Press "action" with the service's answer already known (status: the HTTP status as text, "0" when the
' service cannot be reached); the recorded calls.
Public Function XgTestPress(action As String, url As String, answer As String, status As String) As String
    XgLog = ""
    XgPostAnswer = answer
    XgPostStatus = CLng(status)
    XgServicePress action, url, ""
    XgTestPress = XgLog
End Function

Public Function XgTestLastBody() As String
    XgTestLastBody = XgLastBody
End Function

' A typed field, as the client encodes a value (for the tests of the encoding's edges).
Public Function XgTestTyped(kind As String, text As String) As String
    Select Case kind
        Case "s": XgTestTyped = XgTyped(text)
        Case "n": XgTestTyped = XgTyped(Val(text))
        Case "l": XgTestTyped = XgTyped(CLng(text))
        Case "b": XgTestTyped = XgTyped(text = "1")
        Case "e": XgTestTyped = XgTyped(CVErr(CLng(text)))
        Case Else: XgTestTyped = XgTyped(Empty)
    End Select
End Function

Public Function XgTestUnescape(text As String) As String
    XgTestUnescape = XgUnescape(text)
End Function
