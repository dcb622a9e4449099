# الصفحات العامة: نصوص أُضيفت مع إعادة بناء الصفحات العامة.
roadmap-by-year = المراحل الرئيسية حسب السنة

# القوائم الطويلة صفحةً صفحة.
pager-label = صفحات القائمة
pager-previous = الصفحة السابقة
pager-next = الصفحة التالية
pager-position = الصفحة { $page } من { $pages }
pager-none = لا توجد نتائج مطابقة لعوامل التصفية هذه.
pager-page = الصفحة
pager-services = الخدمات { $first }–{ $last } من { $total }
services-in-catalogue = { $total } في الفهرس بأكمله
pager-organisations = الجهات { $first }–{ $last } من { $total }
pager-once-only = الصفوف { $first }–{ $last } من { $total }
pager-rows = الصفوف { $first }–{ $last } من { $total }
priorities-drawn = يعرض الرسم البياني أعلى { $shown } أولويات من أصل { $total }.
