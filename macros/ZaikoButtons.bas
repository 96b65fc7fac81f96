Attribute VB_Name = "ZaikoButtons"
' zaiko-xl: the buttons of the first sheet. One Sub per button, one RunPython line each;
' all logic is in Python (zaiko_xl/entrypoints/excel_macros.py).
' Keep this file ASCII: Japanese text lives in cells and button captions.
Option Explicit

' Zaiko torikomi: pull RMS, warehouse file and ledger
Public Sub ZaikoPull()
    RunPython "import zaiko_xl.entrypoints.excel_macros as m; m.pull_button()"
End Sub

' Sai check: reconcile and suggest confirmed stock
Public Sub ZaikoReconcile()
    RunPython "import zaiko_xl.entrypoints.excel_macros as m; m.reconcile_button()"
End Sub

' Hatchu keisan: replenishment and purchase-order drafts
Public Sub ZaikoReorder()
    RunPython "import zaiko_xl.entrypoints.excel_macros as m; m.reorder_button()"
End Sub

' RMS e hanei: push ticked confirmed stock (asks first)
Public Sub ZaikoPush()
    RunPython "import zaiko_xl.entrypoints.excel_macros as m; m.push_button()"
End Sub

' KPI koshin: refresh KPIs and charts
Public Sub ZaikoKpi()
    RunPython "import zaiko_xl.entrypoints.excel_macros as m; m.kpi_button()"
End Sub
