"""The bureau's dashboard (ECharts) and the batch exports (zip of reports, 汇总表 workbook)."""
