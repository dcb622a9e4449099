# نصوص الرسائل التي ترسلها المهام، وأسماء ما تُخبر عنه الخلاصات والملخصات
# (وتظهر أيضًا في صفحات الخلاصات والاشتراك على الموقع العام).

sub-scope-agenda = الأجندة الرقمية الوطنية
sub-scope-pillar = الركيزة { $code }: { $title }
sub-scope-action-line = محور العمل { $code }: { $title }
sub-scope-kpi = المؤشر { $code }: { $title }
sub-scope-organisation = الجهة { $code }: { $title }
sub-scope-launches = الإطلاقات: خدمات إلكترونية جديدة ولبنات أساسية مشتركة
sub-scope-decisions = قرارات هيئات الحوكمة
sub-mail-confirm-subject = تأكيد: متابعة { $scope }
sub-mail-confirm-text = طلب شخص ما، وغالبًا أنت، تلقي ملخصات { $scope } عبر البريد الإلكتروني. للتأكيد، افتح هذا الرابط:
sub-mail-confirm-ignore = إذا لم تطلب ذلك، فتجاهل هذه الرسالة: لن يُرسل إليك شيء، وسيُحذف الطلب بعد { $hours } ساعة.
sub-mail-already-subject = أنت تتابع { $scope } بالفعل
sub-mail-already-text = طلب شخص ما، وغالبًا أنت، متابعة { $scope } بهذا العنوان، وهو يتلقى ملخصاته بالفعل. لم يتغير شيء.
sub-mail-digest-subject = { $scope }: عدد التغييرات { $n }
sub-mail-digest-intro = ما تغيّر منذ الرسالة الأخيرة بشأن { $scope }:
sub-mail-digest-more = لا تُدرج إلا آخر { $n } تغييرات؛ اطّلع عليها كلها على { $link }
sub-mail-unsubscribe = إلغاء الاشتراك (بنقرة واحدة):
sub-mail-manage = الاطلاع على البيانات المحفوظة عنك أو تنزيلها أو حذفها:
feed-entry-status = حالة { $code }: { $before } ← { $after }
feed-entry-report = تقرير التقدّم { $code } { $period }
feed-entry-milestone = تم بلوغ المرحلة الرئيسية: { $code } { $title }
feed-entry-adopted = اعتُمد: { $code } { $title }
feed-entry-figure = قيمة جديدة لـ{ $code } ({ $title })، { $period }: { $value }
feed-entry-launch = أصبحت الآن في المستوى { $level }: { $title } ({ $code })، من { $org }
feed-entry-block-live = لبنة أساسية مشتركة قيد التشغيل: { $title } ({ $code })، تديرها { $org }
feed-entry-decision = قرار صادر عن { $body }: { $title } ({ $code })
feed-entry-decision-acting = قرار صادر عن { $body }: { $title } ({ $code })؛ على { $org } التنفيذ بحلول { $due }
feed-entry-decision-done = تم التنفيذ: { $title } ({ $code })، من { $org }

take-part-mail-subject = رابطك للمشاركة في المشاورة
take-part-mail-text = طلب شخص ما، وغالبًا أنت، المشاركة في مشاورة عامة ضمن الأجندة الرقمية الوطنية بهذا العنوان. افتح هذا الرابط لتسجيل الدخول وإرسال مساهمتك (يعمل مرة واحدة، لمدة { $minutes } دقيقة):
take-part-mail-ignore = إذا لم تطلب ذلك، فتجاهل هذه الرسالة: لن يُنشر شيء، ولن يتمكن أحد من استخدام عنوانك للمشاركة.
take-part-response-subject = ردّت الهيئة على مساهمتك { $code }
take-part-response-text = نشرت الهيئة ردّها على مساهمتك { $code } في المشاورة العامة:
