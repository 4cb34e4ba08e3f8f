"""jixiao — 部门整体支出绩效自评: scoring tables as data, a scoring engine, documents and an auditor."""

__version__ = "0.1.0"
