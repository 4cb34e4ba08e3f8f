"""Accounts: units (单位, with their 主管部门), users' roles and scopes, personal API tokens."""
