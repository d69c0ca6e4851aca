"""The admin site's own titles: the centre's administrators read Chinese there too, not 'Django 站点管理员'."""

from django.contrib import admin

admin.site.site_header = "政务服务中心管理后台"
admin.site.site_title = "政务服务中心管理后台"
admin.site.index_title = "组织架构与日历"
