"""A realistic demo catalogue for the demo centre (workflows.org.demo): joint, promised and on-the-spot items.

Idempotent: an item whose code exists is left as it is, so a second seed changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from workflows.applications.models import Application, ServiceItem
from workflows.applications.services import Material, ServiceItemInput, create_service_item
from workflows.org.demo import DEMO_PASSWORD
from workflows.org.models import Department, Official, Role

# The demo centre has no construction, development or environment department; a joint construction approval needs them.
EXTRA_DEPARTMENTS = ["县发展和改革委员会", "县住房和城乡建设局", "县生态环境局"]


@dataclass(frozen=True)
class DemoItem:
    code: str
    name: str
    department: str
    kind: str
    days: int
    basis: str
    main: tuple[str, ...]
    other: tuple[str, ...]
    co_departments: tuple[str, ...] = ()
    silent_consent: bool = False
    deciding: tuple[str, ...] = ("chief_representative",)
    refusing: tuple[str, ...] = ("chief_representative",)


ITEMS = [
    DemoItem("LB-001", "建设项目并联审批", "县发展和改革委员会", ServiceItem.JOINT, 20,
             "《国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见》（国办发〔2019〕11号）；"
             "《企业投资项目核准和备案管理条例》第十条",
             ("建设项目并联审批申请表", "项目核准（备案）申请报告"),
             ("建设用地规划许可申请材料", "环境影响评价文件", "施工图设计文件审查合格书", "营业执照复印件"),
             co_departments=("县自然资源局", "县住房和城乡建设局", "县生态环境局")),
    DemoItem("LB-002", "企业登记注册", "县市场监督管理局", ServiceItem.JOINT, 3,
             "《中华人民共和国市场主体登记管理条例》第十九条；《中华人民共和国公司法》第二十九条",
             ("公司登记（备案）申请书", "公司章程"),
             ("股东主体资格证明", "法定代表人、董事、监事和经理的任职文件", "住所使用证明", "公章刻制备案表",
              "涉税事项办理信息表"),
             co_departments=("县公安局", "县税务局"), silent_consent=True),
    DemoItem("CN-001", "出入境证件办理（普通护照签发）", "县公安局", ServiceItem.PROMISED, 7,
             "《中华人民共和国护照法》第五条、第六条；《中华人民共和国出境入境管理法》第九条",
             ("中国公民出入境证件申请表",), ("居民身份证", "居民户口簿", "符合标准的近期彩色照片"),
             refusing=("chief_representative", "window_head")),
    DemoItem("CN-002", "食品经营许可", "县市场监督管理局", ServiceItem.PROMISED, 10,
             "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第十六条",
             ("食品经营许可申请书",),
             ("营业执照复印件", "与食品经营相适应的主要设备设施布局、操作流程等文件", "食品安全管理制度目录",
              "食品安全管理人员名单")),
    DemoItem("CN-003", "不动产抵押权首次登记", "县自然资源局", ServiceItem.PROMISED, 5,
             "《不动产登记暂行条例》第十四条、第二十条；《中华人民共和国民法典》第四百零二条",
             ("不动产登记申请书", "主债权合同和抵押合同"), ("申请人身份证明", "不动产权属证书")),
    DemoItem("JB-001", "城乡居民基本养老保险参保登记", "县人力资源和社会保障局", ServiceItem.IMMEDIATE, 0,
             "《中华人民共和国社会保险法》第二十二条；《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
             ("城乡居民基本养老保险参保登记表",), ("居民身份证", "居民户口簿"),
             deciding=("window_staff",), refusing=("window_head",)),
    DemoItem("JB-002", "增值税发票领用", "县税务局", ServiceItem.IMMEDIATE, 0,
             "《中华人民共和国发票管理办法》第十五条",
             ("发票领用申请",), ("经办人身份证件", "发票专用章印模"),
             deciding=("window_staff",), refusing=("window_head",)),
]


@transaction.atomic
def seed_demo_catalogue() -> list[ServiceItem]:
    """Create the demo items that do not exist yet (through the audited service); returns every demo item."""
    departments = {d.name: d for d in Department.objects.all()}
    for name in EXTRA_DEPARTMENTS:
        if name not in departments:
            departments[name] = Department.objects.create(name=name)
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    for demo in ITEMS:
        if demo.code in existing:
            continue
        create_service_item(ServiceItemInput(
            name=demo.name,
            code=demo.code,
            department_id=departments[demo.department].pk,
            kind=demo.kind,
            promised_days=demo.days,
            legal_basis=demo.basis,
            materials=[Material(n, is_main=True) for n in demo.main] + [Material(n) for n in demo.other],
            co_department_ids=[departments[name].pk for name in demo.co_departments],
            silent_consent=demo.silent_consent,
            deciding_roles=demo.deciding,
            refusing_roles=demo.refusing,
        ), actor=None)
    return list(ServiceItem.objects.filter(code__in=[d.code for d in ITEMS]).order_by("code"))


# 联办件: a chief representative (首席代表, 第十七条) for the lead and each co-department of 建设项目并联审批, so every
# step of the joint review can be clicked through with a demo login (password as for every demo login).
JOINT_REPRESENTATIVES = [  # (username, name, department)
    ("hefg", "何发改", "县发展和改革委员会"),
    ("xuzr", "许自然", "县自然资源局"),
    ("hanzj", "韩住建", "县住房和城乡建设局"),
    ("yanghb", "杨环保", "县生态环境局"),
]


def seed_joint_representatives() -> list[Official]:
    departments = {d.name: d for d in Department.objects.all()}
    role = Role.objects.get(code="chief_representative")
    officials = []
    for username, name, department in JOINT_REPRESENTATIVES:
        official = Official.objects.filter(user__username=username).first()
        if official is None:
            user = get_user_model().objects.create_user(username, password=DEMO_PASSWORD, first_name=name)
            official = Official.objects.create(user=user, name=name, department=departments[department])
            official.roles.set([role])
        officials.append(official)
    return officials


DEMO_JOINT_APPLICANT = "伊犁河谷新能源开发有限公司"


@transaction.atomic
def seed_demo_joint_review() -> list[str]:
    """The joint representatives and one 建设项目并联审批 application received at 李四's window, whose joint review
    waits for the lead to inform the co-departments (once: a second seed finds the applicant and changes nothing);
    returns the lines to print."""
    from workflows.applications.intake import receive_application

    seed_joint_representatives()
    application = Application.objects.filter(applicant=DEMO_JOINT_APPLICANT).first()
    if application is None:
        item = ServiceItem.objects.get(code="LB-001")
        application = receive_application(
            item.pk, DEMO_JOINT_APPLICANT, "0999-8123456", "尼勒克县 50MW 光伏电站建设项目",
            list(item.materials.values_list("pk", flat=True)), Official.objects.get(user__username="lisi"))
    lines = [f"联办件演示：办件 {application.number}（建设项目并联审批）等待牵头部门告知协办部门"]
    lines += [f"  {username:<10} {name}  首席代表（{department}）"
              for username, name, department in JOINT_REPRESENTATIVES]
    return lines
