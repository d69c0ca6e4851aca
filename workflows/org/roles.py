"""The roles of the org chart, with the names officials know them by."""

ROLE_LABELS = {
    "window_staff": "窗口工作人员",
    "window_head": "窗口负责人",
    "chief_representative": "首席代表",
    "dept_deputy_leader": "派驻单位分管领导",
    "centre_deputy_director": "中心分管领导",
    "centre_director": "中心主任",
    "centre_office": "中心办公室",
    "efficiency_group": "效能建设领导小组",
    "applicant": "申请人",
}
