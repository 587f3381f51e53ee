Function XG_CHECK_CODE(code, Optional budget_year)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        XG_CHECK_CODE = XLPy.CallUDF("xlgoals.excel.udfs", "XG_CHECK_CODE", Array(code, budget_year), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        XG_CHECK_CODE = XLPy.CallUDF("xlgoals.excel.udfs", "XG_CHECK_CODE", Array(code, budget_year))
        Exit Function
    #End If
failed:
    XG_CHECK_CODE = Err.Description
End Function

Function XG_CHECK_PLAN(m3, m6, m10, m12, Optional budget, Optional mode)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        XG_CHECK_PLAN = XLPy.CallUDF("xlgoals.excel.udfs", "XG_CHECK_PLAN", Array(m3, m6, m10, m12, budget, mode), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        XG_CHECK_PLAN = XLPy.CallUDF("xlgoals.excel.udfs", "XG_CHECK_PLAN", Array(m3, m6, m10, m12, budget, mode))
        Exit Function
    #End If
failed:
    XG_CHECK_PLAN = Err.Description
End Function

Function XG_CHECK_VALUE(value, Optional level2, Optional name)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        XG_CHECK_VALUE = XLPy.CallUDF("xlgoals.excel.udfs", "XG_CHECK_VALUE", Array(value, level2, name), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        XG_CHECK_VALUE = XLPy.CallUDF("xlgoals.excel.udfs", "XG_CHECK_VALUE", Array(value, level2, name))
        Exit Function
    #End If
failed:
    XG_CHECK_VALUE = Err.Description
End Function

Function XG_TOTAL(total, Optional fiscal, Optional other)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        XG_TOTAL = XLPy.CallUDF("xlgoals.excel.udfs", "XG_TOTAL", Array(total, fiscal, other), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        XG_TOTAL = XLPy.CallUDF("xlgoals.excel.udfs", "XG_TOTAL", Array(total, fiscal, other))
        Exit Function
    #End If
failed:
    XG_TOTAL = Err.Description
End Function

Function XG_VALUE(value)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        XG_VALUE = XLPy.CallUDF("xlgoals.excel.udfs", "XG_VALUE", Array(value), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        XG_VALUE = XLPy.CallUDF("xlgoals.excel.udfs", "XG_VALUE", Array(value))
        Exit Function
    #End If
failed:
    XG_VALUE = Err.Description
End Function
