Attribute VB_Name = "XgClient"
' xlgoals: the template's buttons through an xlgoals service (the xlwings.conf sheet names it in
' XLGOALS_SERVICE_URL). A press sends the values of every sheet as lines of tab-separated fields and
' applies the operations of the answer (the xlgoals button protocol, in the service guide's section 8; the same
' answers the WPS add-in and LibreOffice get). Excel itself is reached only through XgHost.
'
' Rules this client keeps, whatever the answer: a sheet is unprotected only when the answer says so,
' and every sheet it unprotected is protected again at the end - also when an operation fails, in
' which case the clerk sees one sentence, never a VBA error box. No Null ever reaches a String; every
' count is a Long. ASCII only: user-facing text comes from the service or from XgStrings (XgText).
Option Explicit

Public Const XG_PROTOCOL As Long = 1
Public Const XG_CLIENT_VERSION As String = "1"

' --- the request ---------------------------------------------------------------------------------

Public Function XgEscape(text As String) As String
    XgEscape = Replace(Replace(Replace(Replace(text, "\", "\\"), vbTab, "\t"), vbLf, "\n"), vbCr, "\r")
End Function

Public Function XgUnescape(text As String) As String
    Dim out As String, k As Long, ch As String, nxt As String
    If InStr(text, "\") = 0 Then
        XgUnescape = text
        Exit Function
    End If
    k = 1
    Do While k <= Len(text)
        ch = Mid$(text, k, 1)
        If ch = "\" And k < Len(text) Then
            nxt = Mid$(text, k + 1, 1)
            Select Case nxt
                Case "t": out = out & vbTab
                Case "n": out = out & vbLf
                Case "r": out = out & vbCr
                Case Else: out = out & nxt
            End Select
            k = k + 2
        Else
            out = out & ch
            k = k + 1
        End If
    Loop
    XgUnescape = out
End Function

Private Function ErrorText(v As Variant) As String
    Select Case CLng(v)
        Case 2000: ErrorText = "#NULL!"
        Case 2007: ErrorText = "#DIV/0!"
        Case 2015: ErrorText = "#VALUE!"
        Case 2023: ErrorText = "#REF!"
        Case 2029: ErrorText = "#NAME?"
        Case 2036: ErrorText = "#NUM!"
        Case 2042: ErrorText = "#N/A"
        Case Else: ErrorText = "#ERROR"
    End Select
End Function

' One cell as a typed field ("s" text, "n" number, "b" boolean, "d" date), or "" for a blank.
Public Function XgTyped(v As Variant) As String
    If IsError(v) Then
        XgTyped = "s" & ErrorText(v)
        Exit Function
    End If
    Select Case VarType(v)
        Case vbEmpty, vbNull
            XgTyped = ""
        Case vbString
            If Len(v) = 0 Then XgTyped = "" Else XgTyped = "s" & XgEscape(CStr(v))
        Case vbBoolean
            If v Then XgTyped = "b1" Else XgTyped = "b0"
        Case vbDate
            XgTyped = "d" & Format$(v, "yyyy-mm-dd")
        Case vbInteger, vbLong, vbSingle, vbDouble, vbCurrency, vbDecimal, vbByte
            XgTyped = "n" & Trim$(Str$(v))
        Case Else
            XgTyped = "s" & XgEscape(CStr(v))
    End Select
End Function

' What a press sends: a header line, the workbook's name, each sheet's name and non-blank cells.
' (The lines are gathered in a local array through GoSub, and every ReDim stands in a block If:
' LibreOffice's Basic, where the tests run this client, loses an array's elements otherwise.)
Public Function XgRequestText(wb As Object, action As String, token As String) As String
    Dim i As Long, r As Long, c As Long, top As Long, left As Long, field As String
    Dim data As Variant, lines() As String, n As Long, pending As String
    ReDim lines(0 To 1023)
    pending = "xlgoals" & vbTab & CStr(XG_PROTOCOL) & vbTab & "excel-vba" & vbTab & XG_CLIENT_VERSION & vbTab & action & vbTab
    GoSub Add
    If token <> "" Then
        pending = "token" & vbTab & XgEscape(token)
        GoSub Add
    End If
    pending = "book" & vbTab & XgEscape(CStr(wb.Name))
    GoSub Add
    For i = 1 To XgHostSheetCount(wb)
        pending = "sheet" & vbTab & XgEscape(XgHostSheetName(wb, i)) & vbTab & IIf(XgHostSheetHidden(wb, i), "1", "0")
        GoSub Add
        data = XgHostUsedValues(wb, i, top, left)
        If IsArray(data) Then
            For r = LBound(data, 1) To UBound(data, 1)
                For c = LBound(data, 2) To UBound(data, 2)
                    field = XgTyped(data(r, c))
                    If field <> "" Then
                        pending = "c" & vbTab & CStr(top + r - LBound(data, 1)) & vbTab & CStr(left + c - LBound(data, 2)) & vbTab & field
                        GoSub Add
                    End If
                Next c
            Next r
        Else
            field = XgTyped(data)
            If field <> "" Then
                pending = "c" & vbTab & CStr(top) & vbTab & CStr(left) & vbTab & field
                GoSub Add
            End If
        End If
    Next i
    pending = "end"
    GoSub Add
    ReDim Preserve lines(0 To n - 1)
    XgRequestText = Join(lines, vbLf) & vbLf
    Exit Function
Add:
    If n > UBound(lines) Then
        ReDim Preserve lines(0 To 2 * UBound(lines) + 1)
    End If
    lines(n) = pending
    n = n + 1
    Return
End Function

' --- the answer ----------------------------------------------------------------------------------

' A typed field as the value to write: text with Excel's text prefix (an apostrophe: never read as a
' number or a formula), a number, a boolean, or Empty.
Private Function Literal(field As Variant) As Variant
    Select Case Left$(field, 1)
        Case "s": Literal = "'" & XgUnescape(Mid$(field, 2))
        Case "n": Literal = Val(Mid$(field, 2))
        Case "b": Literal = (Mid$(field, 2) = "1")
        Case Else: Literal = Empty
    End Select
End Function

' Apply the answer's operations; returns the message to show. Raises error 513 with the text to show
' when the answer is an error or cannot be applied; every sheet unprotected is protected again first.
Public Function XgApply(wb As Object, answer As String) As String
    Dim all As Variant, f As Variant, k As Long, r As Long, c As Long
    Dim nrows As Long, ncols As Long, values As Variant, row As Variant
    Dim message As String, failure As String, failed As Boolean
    Dim unprotected() As String, allow() As String, n As Long
    ReDim unprotected(0 To 15)
    ReDim allow(0 To 15)
    all = Split(Replace(answer, vbCr & vbLf, vbLf), vbLf)
    f = Split(all(0) & vbTab, vbTab) ' the extra tab: a last empty field is kept in every Basic
    If UBound(f) < 1 Then Err.Raise 513, "xlgoals", XgText("bad_answer")
    If f(0) <> "xlgoals" Then Err.Raise 513, "xlgoals", XgText("bad_answer")
    If Val(f(1)) > XG_PROTOCOL Then Err.Raise 513, "xlgoals", XgText("newer")
    On Error GoTo Broken
    k = 1
    Do While k <= UBound(all)
        f = Split(all(k) & vbTab, vbTab)
        k = k + 1
        Select Case f(0)
            Case "", "end"
            Case "error"
                failed = True
                failure = XgUnescape(f(1))
                Exit Do
            Case "message"
                message = XgUnescape(f(1))
            Case "unprotect"
                If XgHostIsProtected(wb, XgUnescape(f(1))) Then
                    XgHostUnprotect wb, XgUnescape(f(1))
                    If n > UBound(unprotected) Then
                        ReDim Preserve unprotected(0 To 2 * n)
                        ReDim Preserve allow(0 To 2 * n)
                    End If
                    unprotected(n) = XgUnescape(f(1))
                    allow(n) = f(2)
                    n = n + 1
                End If
            Case "fill"
                XgHostFill wb, XgUnescape(f(1)), f(2), f(3)
            Case "note"
                XgHostNote wb, XgUnescape(f(1)), f(2), XgUnescape(f(3))
            Case "clear"
                XgHostClear wb, XgUnescape(f(1)), f(2)
            Case "values"
                nrows = CLng(f(3))
                ncols = CLng(f(4))
                If nrows > 0 And ncols > 0 Then
                    ReDim values(1 To nrows, 1 To ncols)
                    For r = 1 To nrows
                        row = Split(all(k) & vbTab, vbTab)
                        k = k + 1
                        For c = 1 To ncols
                            values(r, c) = Literal(row(c))
                        Next c
                    Next r
                    XgHostValues wb, XgUnescape(f(1)), f(2), values, nrows, ncols
                End If
            Case "formula"
                XgHostFormula wb, XgUnescape(f(1)), f(2), XgUnescape(f(3))
            Case "link"
                XgHostLink wb, XgUnescape(f(1)), f(2), XgUnescape(f(3)), XgUnescape(f(4))
            Case "add_sheet"
                XgHostAddSheet wb, XgUnescape(f(1)), XgUnescape(f(2))
            Case "copy_sheet"
                XgHostCopySheet wb, XgUnescape(f(1)), XgUnescape(f(2)), XgUnescape(f(3))
            Case "insert_rows"
                XgHostInsertRows wb, XgUnescape(f(1)), CLng(f(2)), CLng(f(3))
            Case Else
                failed = True
                failure = XgText("unknown_op")
                Exit Do
        End Select
    Loop
    GoTo Protect
Broken:
    failed = True
    failure = Replace(XgText("failed"), "{0}", Err.Description)
    Resume Protect
Protect:
    On Error Resume Next
    For r = n - 1 To 0 Step -1
        XgHostProtect wb, unprotected(r), allow(r)
    Next r
    On Error GoTo 0
    If failed Then Err.Raise 513, "xlgoals", failure
    XgApply = message
End Function

' --- a press ------------------------------------------------------------------------------------

' The button "action" pressed on the active workbook, answered by the service at "url".
Public Sub XgServicePress(action As String, url As String, token As String)
    Dim wb As Object, body As String, answer As String, status As Long, message As String
    Set wb = XgHostBook()
    If Right$(url, 1) = "/" Then url = Left$(url, Len(url) - 1)
    On Error GoTo Failed
    body = XgRequestText(wb, action, token)
    answer = XgHostPost(url & "/api/press", body, status)
    If status = 0 Then
        XgHostSay Replace(XgText("unreachable"), "{0}", url), XgText("title")
        Exit Sub
    End If
    If Left$(answer, 8) <> "xlgoals" & vbTab Then
        XgHostSay Replace(XgText("http_error"), "{0}", CStr(status)), XgText("title")
        Exit Sub
    End If
    XgHostScreen False
    message = XgApply(wb, answer)
    XgHostScreen True
    If message <> "" Then XgHostSay message, XgText("title")
    Exit Sub
Failed:
    XgHostScreen True
    If Err.Number = 513 Then
        XgHostSay Err.Description, XgText("title")
    Else
        XgHostSay Replace(XgText("failed"), "{0}", Err.Description), XgText("title")
    End If
End Sub
