# The texts of the mails the jobs send, and the names of what a feed or a digest tells of
# (also shown on the public site's feeds and subscription pages).

sub-scope-agenda = La Agenda Digital Nacional
sub-scope-pillar = Pilar { $code }: { $title }
sub-scope-action-line = Línea de acción { $code }: { $title }
sub-scope-kpi = Indicador { $code }: { $title }
sub-scope-organisation = Organización { $code }: { $title }
sub-scope-launches = Lanzamientos: nuevos servicios en línea y bloques compartidos
sub-scope-decisions = Decisiones de los órganos de gobernanza
sub-mail-confirm-subject = Confirme: seguir { $scope }
sub-mail-confirm-text = Alguien, probablemente usted, pidió recibir por correo los resúmenes de { $scope }. Para confirmar, abra este enlace:
sub-mail-confirm-ignore = Si no lo pidió, ignore este mensaje: no se enviará nada y la solicitud se borra pasadas { $hours } horas.
sub-mail-already-subject = Ya sigue { $scope }
sub-mail-already-text = Alguien, probablemente usted, pidió seguir { $scope } con esta dirección, que ya recibe sus resúmenes. No ha cambiado nada.
sub-mail-digest-subject = { $scope }: { $n } cambio(s)
sub-mail-digest-intro = Lo que cambió desde el último mensaje, para { $scope }:
sub-mail-digest-more = Solo se listan los { $n } últimos cambios; véalos todos en { $link }
sub-mail-unsubscribe = Darse de baja (un clic):
sub-mail-manage = Ver, descargar o borrar lo que se guarda sobre usted:
feed-entry-status = Estado de { $code }: { $before } → { $after }
feed-entry-report = Informe de avance { $code } { $period }
feed-entry-milestone = Hito alcanzado: { $code } { $title }
feed-entry-adopted = Adoptado: { $code } { $title }
feed-entry-figure = Nueva cifra para { $code } ({ $title }), { $period }: { $value }
feed-entry-launch = Ahora en el nivel { $level }: { $title } ({ $code }), por { $org }
feed-entry-block-live = Bloque compartido en producción: { $title } ({ $code }), operado por { $org }
feed-entry-decision = Decisión de { $body }: { $title } ({ $code })
feed-entry-decision-acting = Decisión de { $body }: { $title } ({ $code }); { $org } debe actuar antes del { $due }
feed-entry-decision-done = Cumplida: { $title } ({ $code }), por { $org }

take-part-mail-subject = Su enlace para participar en la consulta
take-part-mail-text = Alguien, probablemente usted, pidió participar con esta dirección en una consulta pública de la Agenda Digital Nacional. Abra este enlace para entrar y enviar su contribución (funciona una vez, durante { $minutes } minutos):
take-part-mail-ignore = Si no lo pidió, ignore este mensaje: no se publica nada y nadie puede participar con su dirección.
take-part-response-subject = La autoridad respondió a su contribución { $code }
take-part-response-text = La autoridad publicó su respuesta a su contribución { $code } a la consulta pública:
