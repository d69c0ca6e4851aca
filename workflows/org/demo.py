"""A demo centre (county 政务服务中心): departments, windows, officials with every role, A/B pairs.

Idempotent: running it again leaves an existing demo centre as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from workflows.org.models import ABPair, Department, Official, Role, Window
from workflows.org.roles import ROLE_LABELS

DEMO_PASSWORD = "govflow-demo"

DEPARTMENTS = ["县市场监督管理局", "县人力资源和社会保障局", "县自然资源局", "县公安局", "县税务局"]
WINDOWS = [  # (department index, window name, number)
    (0, "企业登记窗口", "1"), (0, "食品经营许可窗口", "2"), (1, "社会保险窗口", "3"), (1, "就业服务窗口", "4"),
    (2, "不动产登记窗口", "5"), (3, "户籍办理窗口", "6"), (3, "出入境窗口", "7"), (4, "综合办税窗口", "8"),
]


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    name: str
    roles: tuple[str, ...]
    department: int | None = None
    window: int | None = None


OFFICIALS = [
    DemoOfficial("wangzr", "王建国", ("centre_director",)),
    DemoOfficial("lifzr", "李红梅", ("centre_deputy_director",)),
    DemoOfficial("zhaobgs", "赵文静", ("centre_office",)),
    DemoOfficial("qianxn", "钱志刚", ("efficiency_group",)),
    DemoOfficial("sunfj", "孙立平", ("dept_deputy_leader",), department=0),
    DemoOfficial("zhoufj", "周海燕", ("dept_deputy_leader",), department=1),
    DemoOfficial("wufj", "吴振华", ("dept_deputy_leader",), department=2),
    DemoOfficial("zhengfj", "郑卫东", ("dept_deputy_leader",), department=3),
    DemoOfficial("fengfj", "冯淑芬", ("dept_deputy_leader",), department=4),
    DemoOfficial("chensx", "陈首席", ("chief_representative", "window_staff"), department=0, window=0),
    DemoOfficial("zhangsan", "张三", ("window_head", "window_staff"), department=0, window=0),
    DemoOfficial("lisi", "李四", ("window_staff",), department=0, window=0),
    DemoOfficial("wangwu", "王五", ("window_head", "window_staff"), department=0, window=1),
    DemoOfficial("zhaoliu", "赵六", ("window_head", "window_staff"), department=1, window=2),
    DemoOfficial("sunqi", "孙七", ("window_staff",), department=1, window=2),
    DemoOfficial("zhouba", "周八", ("window_head", "window_staff"), department=1, window=3),
    DemoOfficial("wujiu", "吴九", ("window_head", "window_staff"), department=2, window=4),
    DemoOfficial("zhengshi", "郑十", ("window_head", "window_staff"), department=3, window=5),
    DemoOfficial("fengshiyi", "冯十一", ("window_staff",), department=3, window=5),
    DemoOfficial("chenshier", "陈十二", ("window_head", "window_staff"), department=3, window=6),
    DemoOfficial("chushisan", "褚十三", ("window_head", "window_staff"), department=4, window=7),
]

STANDING_PAIRS = [  # (A, B) by username
    ("zhangsan", "lisi"), ("lisi", "zhangsan"), ("wangwu", "lisi"), ("zhaoliu", "sunqi"), ("sunqi", "zhaoliu"),
    ("zhouba", "sunqi"), ("wujiu", "chushisan"), ("zhengshi", "fengshiyi"), ("fengshiyi", "zhengshi"),
    ("chenshier", "fengshiyi"), ("chushisan", "wujiu"), ("wangzr", "lifzr"), ("lifzr", "wangzr"),
    ("chensx", "zhangsan"),
]


@transaction.atomic
def seed_demo_centre() -> list[DemoOfficial]:
    """Create the demo centre unless it exists; returns the demo officials (logins)."""
    if Official.objects.filter(user__username=OFFICIALS[0].username).exists():
        return OFFICIALS
    User = get_user_model()
    departments = [Department.objects.create(name=name) for name in DEPARTMENTS]
    windows = [
        Window.objects.create(department=departments[d], name=name, number=number) for d, name, number in WINDOWS
    ]
    # The roles come with migration 0002; a test database flushed by a transactional test has lost them.
    roles = {code: Role.objects.get_or_create(code=code, defaults={"name": name})[0]
             for code, name in ROLE_LABELS.items() if code != "applicant"}
    by_username: dict[str, Official] = {}
    for demo in OFFICIALS:
        user = User.objects.create_user(demo.username, password=DEMO_PASSWORD, first_name=demo.name)
        official = Official.objects.create(
            user=user,
            name=demo.name,
            department=departments[demo.department] if demo.department is not None else None,
            window=windows[demo.window] if demo.window is not None else None,
        )
        official.roles.set([roles[r] for r in demo.roles])
        by_username[demo.username] = official
    for a, b in STANDING_PAIRS:
        ABPair.objects.create(a=by_username[a], b=by_username[b], kind=ABPair.STANDING)
    admin = User.objects.create_superuser("admin", password=DEMO_PASSWORD, first_name="系统管理员")
    Official.objects.create(user=admin, name="系统管理员").roles.set([roles["centre_office"]])
    return OFFICIALS
